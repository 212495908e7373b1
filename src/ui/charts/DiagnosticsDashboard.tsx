/**
 * The live dashboard: a grid of MetricCharts sharing one module selection, x axis and smoothing,
 * over one or several runs. Streaming runs are redrawn at a throttled rate (see useThrottled) so a
 * burst of turns never blocks typing or hovering.
 */
import { useMemo, useState } from 'react';
import type { EvalProtocol } from '../../engine/run/events';
import { MODULE_METRICS, modulesOf, type ChartMetric, type EvalMeasure, type XAxis } from '../lib/series';
import type { LabRun } from '../runs/types';
import { MEASURE_TITLE, PROTOCOL_TITLE, shortModule } from './labels';
import { SmoothingSlider, XAxisSelect } from './controls';
import { MetricChart } from './MetricChart';
import { useThrottled } from './use-throttled';

export interface DiagnosticsDashboardProps {
  runs: readonly LabRun[];
  /** Modules selected at first; default: all. */
  initialModules?: readonly string[];
  /** Least time between redraws while runs stream, ms. */
  refreshMs?: number;
}

const EVAL_PROTOCOLS: EvalProtocol[] = ['immediate', 'sample'];

export function DiagnosticsDashboard({ runs: liveRuns, initialModules, refreshMs = 250 }: DiagnosticsDashboardProps) {
  const runs = useThrottled(liveRuns, refreshMs);
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

  const charts = useMemo<ChartMetric[]>(
    () => [
      ...MODULE_METRICS.map((metric): ChartMetric => ({ kind: 'module', metric })),
      { kind: 'loss' },
      ...(['efficacy', 'generalization', 'specificity'] as const).map((metric): ChartMetric => ({
        kind: 'eval',
        metric,
        protocol,
        measure,
      })),
    ],
    [protocol, measure],
  );

  if (runs.length === 0) return <p className="se-empty">No runs to show yet. Start a run or import one.</p>;

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
              <option key={p} value={p}>
                {PROTOCOL_TITLE[p]}
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
          <MetricChart key={JSON.stringify(metric)} runs={runs} metric={metric} modules={selected} xAxis={xAxis} smoothing={smoothing} />
        ))}
      </div>
    </section>
  );
}
