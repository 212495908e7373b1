/**
 * From full series to what a chart draws: smooth the whole series (so smoothing never depends on the
 * zoom or the budget), drop what the axis cannot show, thin to a pixel budget with LTTB, then merge
 * every series of every run into one row-per-x dataset (rows keyed by series key; a series without
 * a point at some x simply has no value there) — what a chart's CSV export writes.
 */
import { lttbIndices } from './lttb';
import { drawablePoints } from './log-scale';
import { debiasedEma } from './smoothing';
import type { Series } from './series';

export interface DrawOptions {
  /** EMA weight in [0, 1); 0 draws raw values. */
  smoothing: number;
  logScale: boolean;
  /** Most points drawn per series (about one per horizontal pixel). */
  budget: number;
  /** Zoomed x range: only points inside it (and one neighbour each side, so lines reach the edge) are thinned and drawn. */
  xRange?: readonly [number, number];
}

export interface DrawnSeries {
  key: string;
  runId: string;
  module?: string;
  xs: Float64Array;
  /** Smoothed values (raw when smoothing is 0). */
  ys: Float64Array;
  /** Raw values at the same points, for the hover readout. */
  raw: Float64Array;
  /** Points in the data. */
  total: number;
  /** Points ≤ 0 hidden by the log axis. */
  nonPositive: number;
}

export function drawSeries(s: Series, opts: DrawOptions): DrawnSeries {
  const smoothed = debiasedEma(s.ys, opts.smoothing);
  const d = drawablePoints(s.xs, smoothed, opts.logScale);
  const [from, to] = opts.xRange ? rangeIndices(d.xs, opts.xRange) : [0, d.xs.length];
  const pick = lttbIndices(d.xs.subarray(from, to), d.ys.subarray(from, to), opts.budget);
  const xs = new Float64Array(pick.length);
  const ys = new Float64Array(pick.length);
  const raw = new Float64Array(pick.length);
  for (let j = 0; j < pick.length; j++) {
    const i = from + pick[j];
    xs[j] = d.xs[i];
    ys[j] = d.ys[i];
    raw[j] = s.ys[d.kept[i]];
  }
  return {
    key: s.key,
    runId: s.runId,
    module: s.module,
    xs,
    ys,
    raw,
    total: s.xs.length,
    nonPositive: d.nonPositive,
  };
}

/** [from, to) of the sorted xs inside [lo, hi], widened by one point each side. */
function rangeIndices(xs: Float64Array, [lo, hi]: readonly [number, number]): [number, number] {
  let from = 0;
  while (from < xs.length && xs[from] < lo) from++;
  let to = from;
  while (to < xs.length && xs[to] <= hi) to++;
  return [Math.max(0, from - 1), Math.min(xs.length, to + 1)];
}

export type OverlayRow = { x: number } & Record<string, number>;

/** Key under which a row carries a series' raw (unsmoothed) value. */
export const rawKey = (key: string) => `raw:${key}`;

export function mergeOverlay(series: readonly DrawnSeries[]): OverlayRow[] {
  const rows = new Map<number, OverlayRow>();
  for (const s of series) {
    for (let i = 0; i < s.xs.length; i++) {
      const x = s.xs[i];
      let row = rows.get(x);
      if (!row) rows.set(x, (row = { x } as OverlayRow));
      row[s.key] = s.ys[i];
      row[rawKey(s.key)] = s.raw[i];
    }
  }
  return [...rows.values()].sort((a, b) => a.x - b.x);
}
