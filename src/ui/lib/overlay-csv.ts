/**
 * A chart's data as CSV: every point of every series (not the thinned drawing), merged on x into one
 * table, with the raw value and, when smoothing is on, the smoothed value the chart drew.
 */
import { toCsv } from './csv';
import { drawSeries, mergeOverlay, rawKey } from './overlay';
import type { Series } from './series';

export function overlayCsv(series: readonly (Series & { label: string })[], xName: string, smoothing: number): string {
  const full = series.map((s) => drawSeries(s, { smoothing, logScale: false, budget: s.xs.length }));
  const rows = mergeOverlay(full);
  const header = [xName, ...series.flatMap((s) => (smoothing > 0 ? [s.label, `${s.label} (EMA ${smoothing})`] : [s.label]))];
  const keys = series.flatMap((s) => (smoothing > 0 ? [rawKey(s.key), s.key] : [rawKey(s.key)]));
  return toCsv(
    header,
    rows.map((r) => [r.x, ...keys.map((k) => r[k])]),
  );
}
