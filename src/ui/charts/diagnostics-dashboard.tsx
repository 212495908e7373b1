/**
 * The live dashboard: a grid of MetricCharts sharing one module selection, x axis and smoothing,
 * over one or several runs. It redraws on every flush of the runs store — at most once per animation
 * frame — so each turn shows the frame after it arrives; a chart only recomputes the runs that
 * changed, and draws a few path strings (LinePlot), which keeps that within a frame
 * (e2e/chart-stream.built.spec.ts). The scores come first, then the loss, then the per-module diagnostics.
 */
import { useMemo, useState } from 'react';
import type { EvalProtocol } from '../../engine/run/events';
import {
  generalTasksOf,
  MODULE_METRICS,
  modulesOf,
  RECORD_SCALARS,
  scalarOf,
  type ChartMetric,
  type EvalMeasure,
  type XAxis,
} from '../lib/series';
import type { LabRun } from '../runs/types';
import { MEASURE_TITLE, PROTOCOL_SHORT, PROTOCOL_TITLE, shortModule } from './labels';
import { SmoothingSlider, XAxisSelect } from './controls';
import { MetricChart } from './metric-chart';
import { DriftMapPanel } from './drift-map-panel';
import { runColors } from './palette';

export interface DiagnosticsDashboardProps {
  /** Every run, in list order: a run's colour follows its place here, as in the run list. */
  runs: readonly LabRun[];
  /** Runs left out of the charts (the run list's show/hide). */
  hidden?: ReadonlySet<string>;
  /** Modules selected at first; default: all. */
  initialModules?: readonly string[];
}

const EVAL_PROTOCOLS: EvalProtocol[] = ['immediate', 'sample', 'final'];

export function DiagnosticsDashboard({ runs: allRuns, hidden, initialModules }: DiagnosticsDashboardProps) {
  const colors = useMemo(() => runColors(allRuns), [allRuns.map((r) => `${r.id}:${r.colorSlot}`).join()]);
  const shown = allRuns.filter((r) => !hidden?.has(r.id));
  // A new array only when a shown run changed, so memoized charts skip unrelated renders.
  const runs = useMemo(() => shown, [shown.map((r) => `${r.id}@${r.version}`).join()]);
  const modules = useMemo(() => {
    const s = new Set<string>();
    for (const r of runs) for (const m of modulesOf(r.turns.slice(0, 1))) s.add(m);
    return [...s];
  }, [runs.map((r) => `${r.id}:${r.turns.length > 0}`).join()]);
  const [picked, setPicked] = useState<ReadonlySet<string> | null>(initialModules ? new Set(initialModules) : null);
  const selected = useMemo(() => modules.filter((m) => picked === null || picked.has(m)), [modules, picked]);
  const [xAxis, setXAxis] = useState<XAxis>('turn');
  const [smoothing, setSmoothing] = useState(0.6);
  const [protocol, setProtocol] = useState<EvalProtocol>('immediate');
  const [measure, setMeasure] = useState<EvalMeasure>('tokenAccuracy');

  const toggle = (m: string, on: boolean) => {
    const next = new Set(picked ?? modules);
    if (on) next.add(m);
    else next.delete(m);
    setPicked(next);
  };

  const scalars = RECORD_SCALARS.filter((name) => runs.some((r) => r.metrics.some((m) => scalarOf(m, name) !== undefined)));
  const tasks = generalTasksOf(runs);
  const charts = useMemo<ChartMetric[]>(
    () => [
      ...(['efficacy', 'generalization', 'specificity'] as const).map((metric): ChartMetric => ({
        kind: 'eval',
        metric,
        protocol,
        measure,
      })),
      { kind: 'loss' },
      ...(tasks.length ? [{ kind: 'general', tasks } as const] : []),
      // Fluency and drift only where a shown run scores them (they are opt-in per run): no empty charts.
      ...scalars.map((name): ChartMetric => ({ kind: 'scalar', name })),
      ...MODULE_METRICS.map((metric): ChartMetric => ({ kind: 'module', metric })),
    ],
    [protocol, measure, scalars.join(), tasks.join()],
  );
  const emptyText =
    allRuns.length === 0 ? 'No runs yet: press Start run (or import a run).' : runs.length === 0 ? 'Every run is hidden.' : undefined;

  return (
    <section className="se-dashboard" aria-label="Diagnostics dashboard">
      <div className="se-toolbar">
        <fieldset className="se-modules">
          <legend>Modules</legend>
          {modules.length === 0 && <span className="se-muted">none reported yet</span>}
          {modules.map((m) => (
            <label key={m} title={m}>
              <input type="checkbox" checked={selected.includes(m)} onChange={(e) => toggle(m, e.target.checked)} />
              {shortModule(m)}
            </label>
          ))}
          {modules.length > 1 && (
            <span className="se-module-all">
              <button type="button" onClick={() => setPicked(null)}>
                all
              </button>
              <button type="button" onClick={() => setPicked(new Set())}>
                none
              </button>
            </span>
          )}
        </fieldset>
        <XAxisSelect label="x axis" value={xAxis} onChange={setXAxis} />
        <SmoothingSlider value={smoothing} onChange={setSmoothing} />
        <label>
          eval protocol
          <select value={protocol} onChange={(e) => setProtocol(e.target.value as EvalProtocol)}>
            {EVAL_PROTOCOLS.map((p) => (
              <option key={p} value={p} title={PROTOCOL_TITLE[p]}>
                {PROTOCOL_SHORT[p]}
              </option>
            ))}
          </select>
        </label>
        <label>
          metric
          <select value={measure} onChange={(e) => setMeasure(e.target.value as EvalMeasure)}>
            {(Object.keys(MEASURE_TITLE) as EvalMeasure[]).map((m) => (
              <option key={m} value={m}>
                {MEASURE_TITLE[m]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="se-grid">
        {charts.map((metric) => (
          <MetricChart
            key={JSON.stringify(metric)}
            runs={runs}
            colors={colors}
            metric={metric}
            modules={selected}
            xAxis={xAxis}
            smoothing={smoothing}
            emptyText={emptyText}
          />
        ))}
        <DriftMapPanel runs={runs} colors={colors} />
      </div>
    </section>
  );
}
