/**
 * One metric over turns / edits / wall time, for the selected modules of one or several runs.
 * Every point stays in the run's data; what is drawn is smoothed (debiased EMA) with the raw values
 * faint behind, filtered for the axis (log hides ≤ 0, with a count), and thinned by LTTB to about one
 * point per two pixels of the zoomed range. Values at the hovered x show in the legend, inside the chart's
 * own box (a floating tooltip would spill over the next chart). "CSV" exports every point, merged on x
 * (lib/overlay-csv.ts); "PNG" the plot with its title and legend.
 */
import { memo, useCallback, useId, useMemo, useRef, useState } from 'react';
import { drawSeries, type DrawnSeries } from '../lib/overlay';
import { overlayCsv } from '../lib/overlay-csv';
import { identicalGroups, SIGMA_METRICS } from '../lib/shared-sigma';
import { chartSeries, evalProtocolsWithData, warmupEnds, type ChartMetric, type XAxis } from '../lib/series';
import { PERCENT_BOUNDS } from '../lib/percent';
import type { LabRun } from '../runs/types';
import { downloadBlob, fileSafe, svgToPngBlob, type LegendEntry } from './export-png';
import { chartTitle, defaultLog, formatValue, PROTOCOL_TITLE, shortModule, X_AXIS_TITLE, yAxisTitle } from './labels';
import { SmoothingSlider, XAxisSelect } from './controls';
import { LinePlot, nearestIndex, type PlotLine } from './line-plot';
import { moduleDash, runColor } from './palette';
import { useVisible } from './use-visible';
import { useWidth } from './use-width';
import type { EvalProtocol } from '../../engine/run/events';

export interface MetricChartProps {
  runs: readonly LabRun[];
  metric: ChartMetric;
  /** Modules drawn for per-module metrics; default: every module of the runs. */
  modules?: readonly string[];
  /** Each run's colour (the run list shows the same); default: by position in `runs`. */
  colors?: ReadonlyMap<string, string>;
  title?: string;
  /** Controlled x axis; when absent the chart shows its own selector. */
  xAxis?: XAxis;
  /** Controlled EMA weight in [0, 1); when absent the chart shows its own slider. */
  smoothing?: number;
  /** Initial state of the log toggle; default by metric (norms, condition numbers: log). */
  logScale?: boolean;
  height?: number;
  /** Shown instead of the plot while there is nothing to draw. */
  emptyText?: string;
}

interface Styled {
  key: string;
  label: string;
  stroke: string;
  dash?: string;
  /** Modules this one line stands for (more than one: they share Σ). */
  members: string[];
  smooth: DrawnSeries;
  /** The raw values, thinned on their own (so a spike survives), when smoothing is on. */
  raw: DrawnSeries | null;
}

/** Where an eval chart finds its points when its protocol scored nothing for its metric. */
const FALLBACK_PROTOCOLS: EvalProtocol[] = ['sample', 'final'];

/** Memoized: the dashboard re-renders on every store flush, a chart only when its inputs change. */
export const MetricChart = memo(function MetricChart(props: MetricChartProps) {
  const { height = 220 } = props;
  const id = useId();
  // Off screen, the chart keeps the runs it last drew and skips the redraws of a live run.
  const [figRef, visible] = useVisible<HTMLElement>();
  const seen = useRef(props.runs);
  if (visible) seen.current = props.runs;
  const runs = seen.current;
  const [ownX, setOwnX] = useState<XAxis>('turn');
  const [ownSmoothing, setOwnSmoothing] = useState(0.6);
  const [log, setLog] = useState(props.logScale ?? defaultLog(props.metric));
  const [zoom, setZoom] = useState<{ axis: XAxis; range: [number, number] } | null>(null);
  const [hoverX, setHoverX] = useState<number | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const [boxRef, width] = useWidth<HTMLDivElement>();
  const plotRef = useRef<HTMLDivElement>(null);
  const xAxis = props.xAxis ?? ownX;
  const smoothing = props.smoothing ?? ownSmoothing;
  const xRange = zoom?.axis === xAxis ? zoom.range : null;
  const onZoom = useCallback((range: [number, number] | null) => setZoom(range ? { axis: xAxis, range } : null), [xAxis]);
  const versions = runs.map((r) => `${r.id}@${r.version}`).join();

  // An eval protocol that scored nothing for this metric (immediate scores no specificity) shows
  // what exists under another protocol, named in the title and a note.
  const metric = useMemo<ChartMetric>(() => {
    const m = props.metric;
    if (m.kind !== 'eval' || evalProtocolsWithData(runs, m.metric, [m.protocol], m.measure).length) return m;
    const other = evalProtocolsWithData(runs, m.metric, FALLBACK_PROTOCOLS, m.measure)[0];
    return other ? { ...m, protocol: other } : m;
  }, [props.metric, versions]);
  const fellBack = metric.kind === 'eval' && props.metric.kind === 'eval' && metric.protocol !== props.metric.protocol;
  const title = props.title ?? chartTitle(metric);

  const allModules = useMemo(() => {
    const s = new Set<string>();
    for (const r of runs) for (const t of r.turns.slice(0, 1)) for (const m of t.diagnostics.modules) s.add(m.module);
    return [...s];
    // turns are append-only: the first turn's module list is fixed once it exists
  }, [runs.map((r) => `${r.id}:${r.turns.length > 0}`).join()]);
  // a general-capability chart draws its tasks as a module chart draws modules: one dash each
  const modules = metric.kind === 'module' ? (props.modules ?? allModules) : metric.kind === 'general' ? metric.tasks : [];

  // Drawn series are cached per run: a finished run is not recomputed while another one streams.
  const cache = useRef(new Map<string, { version: number; sig: string; drawn: Omit<Styled, 'label' | 'stroke'>[] }>());
  // About one point per two pixels: LTTB keeps the shape, and a live chart redraws half the path.
  const budget = Math.max(32, Math.round(width / 2));
  const sig = JSON.stringify([metric, modules, xAxis, smoothing, log, budget, xRange]);
  const colorKey = runs.map((r) => props.colors?.get(r.id)).join();
  const drawn = useMemo(() => {
    const next = new Map<string, { version: number; sig: string; drawn: Omit<Styled, 'label' | 'stroke'>[] }>();
    const out: Styled[] = [];
    runs.forEach((run, ri) => {
      let hit = cache.current.get(run.id);
      if (!hit || hit.version !== run.version || hit.sig !== sig) {
        const series = chartSeries([run], metric, modules, xAxis);
        const groups = metric.kind === 'module' && SIGMA_METRICS.has(metric.metric) ? identicalGroups(series) : series.map((s) => [s]);
        const opts = { smoothing, logScale: log, budget, xRange: xRange ?? undefined };
        hit = {
          version: run.version,
          sig,
          drawn: groups.map((g) => ({
            key: g[0].key,
            members: g.map((s) => s.module).filter((m) => m !== undefined),
            dash: g[0].module ? moduleDash(modules.indexOf(g[0].module)) : undefined,
            smooth: drawSeries(g[0], opts),
            raw: smoothing > 0 ? drawSeries(g[0], { ...opts, smoothing: 0 }) : null,
          })),
        };
      }
      next.set(run.id, hit);
      const stroke = props.colors?.get(run.id) ?? runColor(ri);
      for (const d of hit.drawn) {
        const mod = d.members.length ? d.members.map(shortModule).join(' = ') : null;
        const label = [runs.length > 1 || !mod ? run.label : null, mod].filter(Boolean).join(' · ');
        out.push({ ...d, label, stroke });
      }
    });
    cache.current = next;
    return out;
  }, [versions, sig, colorKey]);

  const lines = useMemo<PlotLine[]>(
    () => [
      ...drawn.flatMap((s) =>
        s.raw ? [{ key: `raw:${s.key}`, stroke: s.stroke, dash: s.dash, xs: s.raw.xs, ys: s.raw.ys, faint: true }] : [],
      ),
      ...drawn.map((s) => ({ key: s.key, stroke: s.stroke, dash: s.dash, xs: s.smooth.xs, ys: s.smooth.ys })),
    ],
    [drawn],
  );
  const hidden = drawn.reduce((n, s) => n + s.smooth.nonPositive, 0);
  const points = drawn.reduce((n, s) => n + s.smooth.total, 0);
  const shared = drawn.filter((s) => s.members.length > 1);
  const drawable = drawn.some((s) => s.smooth.xs.length > 0);
  // The last x drawn by the line that lags most: what "this chart is up to date" means (e2e/chart-stream.built.spec.ts).
  const lastX = drawable ? Math.min(...drawn.filter((s) => s.smooth.xs.length).map((s) => s.smooth.xs[s.smooth.xs.length - 1])) : undefined;
  const markers = useMemo(() => warmupEnds(runs, xAxis).map((x) => ({ x, label: 'warm-up ends' })), [versions, xAxis]);
  const legend: LegendEntry[] = drawn.map((s) => ({ label: s.label, stroke: s.stroke, dash: s.dash }));

  const exportCsv = () => {
    const labelOf = new Map(drawn.map((d) => [d.key, d.label]));
    const series = chartSeries(runs, metric, modules, xAxis).map((s) => ({ ...s, label: labelOf.get(s.key) ?? s.key }));
    downloadBlob(new Blob([overlayCsv(series, X_AXIS_TITLE[xAxis], smoothing)], { type: 'text/csv' }), `${fileSafe(title)}.csv`);
  };

  const exportPng = async () => {
    setExportError(null);
    const svg = plotRef.current?.querySelector('svg.se-plot');
    if (!(svg instanceof SVGSVGElement)) return setExportError('nothing drawn yet');
    try {
      downloadBlob(await svgToPngBlob(svg, { title, legend }), `${fileSafe(title)}.png`);
    } catch (e) {
      setExportError((e as Error).message);
    }
  };

  return (
    <figure ref={figRef} className="se-chart" aria-labelledby={`${id}-title`} data-last-x={lastX} data-visible={visible}>
      <figcaption className="se-chart-head">
        <h3 id={`${id}-title`} className="se-chart-title">
          {title}
        </h3>
        <div className="se-chart-controls">
          {props.xAxis === undefined && <XAxisSelect label="x" value={xAxis} onChange={setOwnX} />}
          {props.smoothing === undefined && <SmoothingSlider value={smoothing} onChange={setOwnSmoothing} />}
          {xRange && (
            <button type="button" onClick={() => setZoom(null)} title="Show every point again (or double-click the plot)">
              reset zoom
            </button>
          )}
          <label>
            <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} />
            log
          </label>
          <button type="button" onClick={exportPng} title={`Save “${title}” as PNG`} disabled={!drawable}>
            PNG
          </button>
          <button type="button" onClick={exportCsv} title={`Save every point of “${title}” as CSV`} disabled={points === 0}>
            CSV
          </button>
        </div>
      </figcaption>
      <div ref={boxRef} className="se-chart-box">
        {!drawable ? (
          <p className="se-chart-empty" style={{ height }}>
            {points === 0 ? (props.emptyText ?? 'No data yet.') : 'Nothing drawable on this axis.'}
          </p>
        ) : (
          <div ref={plotRef}>
            <LinePlot
              lines={lines}
              width={width}
              height={height}
              log={log}
              integerX={xAxis !== 'wall'}
              xTitle={X_AXIS_TITLE[xAxis]}
              yTitle={yAxisTitle(metric)}
              yBounds={metric.kind === 'eval' ? PERCENT_BOUNDS : undefined}
              markers={markers}
              zoom={xRange}
              onZoom={onZoom}
              hoverX={hoverX}
              onHover={setHoverX}
              label={`${title}${log ? ' (log scale)' : ''}`}
              description={describe(drawn, xAxis, xRange)}
            />
          </div>
        )}
      </div>
      <ul className="se-legend" aria-label={`${title}: series`}>
        {drawn.map((s) => {
          const i = hoverX === null ? s.smooth.xs.length - 1 : nearestIndex(s.smooth.xs, hoverX);
          const at = i >= 0 && (hoverX === null || s.smooth.xs[i] === hoverX) ? i : -1;
          return (
            <li key={s.key} title={s.members.join(', ') || s.label}>
              <svg width="22" height="8" aria-hidden="true">
                <line x1="0" y1="4" x2="22" y2="4" stroke={s.stroke} strokeWidth="2" strokeDasharray={s.dash} />
              </svg>
              {s.label}
              {at >= 0 && (
                <span className="se-legend-value">
                  {formatValue(s.smooth.ys[at])}
                  {smoothing > 0 && <span className="se-raw"> (raw {formatValue(s.smooth.raw[at])})</span>}
                </span>
              )}
            </li>
          );
        })}
      </ul>
      <p className="se-chart-note">
        {hoverX !== null ? `at ${X_AXIS_TITLE[xAxis]} ${formatValue(hoverX)} · ` : drawable ? 'latest · ' : ''}
        {points.toLocaleString('en-US')} points
        {smoothing > 0 ? `, EMA ${smoothing.toFixed(2)} (raw faint)` : ''}
        {hidden > 0 ? ` · ${hidden} point${hidden === 1 ? '' : 's'} ≤ 0 hidden on the log scale` : ''}
        {xRange ? ` · zoomed to ${formatValue(xRange[0])}–${formatValue(xRange[1])}` : drawable ? ' · drag to zoom' : ''}
        {shared.map((s) => (
          <span key={s.key} className="se-shared" data-testid="shared-sigma">
            {' '}
            · {andList(s.members.map(shortModule))} share Σ (same weight shape): one line
          </span>
        ))}
        {fellBack && metric.kind === 'eval' && props.metric.kind === 'eval' && (
          <span className="se-fallback" data-testid="eval-fallback">
            {' '}
            · not scored under {PROTOCOL_TITLE[props.metric.protocol]}; showing {PROTOCOL_TITLE[metric.protocol]}
          </span>
        )}
        {exportError ? <span role="alert"> · PNG export failed: {exportError}</span> : null}
      </p>
    </figure>
  );
});

function andList(xs: readonly string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`;
}

/** What a screen reader hears for the graphic: the series and where each ends. */
function describe(drawn: readonly Styled[], xAxis: XAxis, range: readonly [number, number] | null): string {
  const parts = drawn
    .filter((s) => s.smooth.xs.length)
    .map((s) => {
      const n = s.smooth.xs.length - 1;
      return `${s.label}: ${formatValue(s.smooth.ys[0])} at ${formatValue(s.smooth.xs[0])} to ${formatValue(s.smooth.ys[n])} at ${formatValue(s.smooth.xs[n])}`;
    });
  return `${drawn.length} line${drawn.length === 1 ? '' : 's'} over ${X_AXIS_TITLE[xAxis]}${range ? ` (zoomed to ${formatValue(range[0])}–${formatValue(range[1])})` : ''}. ${parts.join('; ')}.`;
}
