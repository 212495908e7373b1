/**
 * Turning a run's records into plottable series: one metric, one module (for per-module
 * diagnostics), one x axis. Values that a turn did not produce (null diagnostics, a module absent
 * from a turn) become NaN so the point is counted but not drawn.
 */
import type { MetricKind } from '../../engine/eval/evaluate';
import type { EvalProtocol, MetricsRecord, TurnRecord } from '../../engine/run/events';
import type { ModuleDiagnostics } from '../../engine/editors/editor';
import { toPercent } from './percent';

/**
 * `turn`: position in the whole run, warm-up included, counted from 1 (record.step + 1) — the count the
 * progress line shows, so its "turn 5 of 5" is the chart's fifth point. `edits`: target edits applied;
 * warm-up turns are left out there, since they all share one edits count. `wall`: seconds since start.
 */
export type XAxis = 'turn' | 'edits' | 'wall';
export const X_AXES: readonly XAxis[] = ['turn', 'edits', 'wall'];

export const MODULE_METRICS = ['deltaNorm', 'cosinePrev', 'conditionNumber', 'lambdaMax', 'meanDrift', 'covDrift'] as const;
export type ModuleMetric = (typeof MODULE_METRICS)[number];

/** Teacher-forced (token accuracy, exact match) or generated and judged as text (WILD, docs/design.md §2). */
export type EvalMeasure = 'tokenAccuracy' | 'exactMatch' | 'wildExactMatch' | 'wildF1';

/** What one chart plots. */
export type ChartMetric =
  | { kind: 'module'; metric: ModuleMetric }
  | { kind: 'loss' }
  | { kind: 'eval'; metric: MetricKind; protocol: EvalProtocol; measure: EvalMeasure }
  /** One number an evaluation carries beside the edit metrics (fluency, drift …), over its sampled ones. */
  | { kind: 'scalar'; name: RecordScalar }
  /** General capability (the paper's Fig. 2): the F1 of the generated answers, one line per task. */
  | { kind: 'general'; tasks: readonly string[] };

/** The numbers a MetricsRecord carries besides the edit metrics. */
export type RecordScalar = 'fluency' | 'driftCosine' | 'driftCka';
export const RECORD_SCALARS: readonly RecordScalar[] = ['fluency', 'driftCosine', 'driftCka'];

export function scalarOf(r: MetricsRecord, name: RecordScalar): number | undefined {
  switch (name) {
    case 'fluency':
      return r.fluency?.ngramEntropy;
    case 'driftCosine':
      return r.drift?.meanCosine;
    case 'driftCka':
      return r.drift?.cka;
  }
}

/**
 * One number per evaluation record over the run, placed as evalSeries places them: the pre-edit value
 * at x = 0, then every sampled evaluation and the final one, at the last target turn with its edits.
 */
function evaluationPoints(
  turns: readonly TurnRecord[],
  metrics: readonly MetricsRecord[],
  value: (r: MetricsRecord) => number | undefined,
  axis: XAxis,
): { xs: Float64Array; ys: Float64Array } {
  const atEdits = new Map<number, TurnRecord>();
  for (const t of turns) if (t.kind === 'target') atEdits.set(t.edits, t);
  const points: [number, number][] = [];
  for (const r of metrics) {
    const v = r.protocol === 'immediate' ? undefined : value(r);
    if (v === undefined) continue;
    const t = atEdits.get(r.edits);
    const x = axis === 'edits' ? r.edits : t ? xOf(t, axis) : r.edits === 0 ? 0 : null;
    if (x !== null) points.push([x, v]);
  }
  points.sort((a, b) => a[0] - b[0]);
  return { xs: Float64Array.from(points, (p) => p[0]), ys: Float64Array.from(points, (p) => p[1]) };
}

/** A record scalar over the run (evaluationPoints). */
export function scalarSeries(
  runId: string,
  turns: readonly TurnRecord[],
  metrics: readonly MetricsRecord[],
  name: RecordScalar,
  axis: XAxis,
): Series {
  return { key: `${runId}||scalar:${name}`, runId, ...evaluationPoints(turns, metrics, (r) => scalarOf(r, name), axis) };
}

/** The general-capability tasks the runs report, in the order they first appear. */
export function generalTasksOf(runs: readonly { metrics: readonly MetricsRecord[] }[]): string[] {
  const seen = new Set<string>();
  for (const r of runs) for (const m of r.metrics) for (const k of Object.keys(m.general ?? {})) seen.add(k);
  return [...seen];
}

/**
 * One general-capability task over the run: the reference's `f1` (weighted F1 of the generated
 * answers, in %) at every evaluation that scored it (evaluationPoints). The task rides in `module`,
 * so each gets its own dash and legend entry.
 */
export function generalSeries(
  runId: string,
  turns: readonly TurnRecord[],
  metrics: readonly MetricsRecord[],
  task: string,
  axis: XAxis,
): Series {
  const f1 = (r: MetricsRecord) => {
    const v = r.general?.[task]?.f1;
    return v === undefined ? undefined : toPercent(v);
  };
  return { key: `${runId}|${task}|general`, runId, module: task, ...evaluationPoints(turns, metrics, f1, axis) };
}

export interface Series {
  /** Unique within a chart: `${runId}|${module ?? ''}|…`. */
  key: string;
  runId: string;
  module?: string;
  xs: Float64Array;
  ys: Float64Array;
}

export function xOf(t: TurnRecord, axis: XAxis): number {
  switch (axis) {
    case 'turn':
      return t.step + 1;
    case 'edits':
      return t.edits;
    case 'wall':
      return t.wallMs / 1000;
  }
}

function onAxis(t: TurnRecord, axis: XAxis): boolean {
  return axis !== 'edits' || t.kind === 'target';
}

/** Modules in the order they first appear in the run's diagnostics. */
export function modulesOf(turns: readonly TurnRecord[]): string[] {
  const seen = new Set<string>();
  for (const t of turns) for (const m of t.diagnostics.modules) seen.add(m.module);
  return [...seen];
}

export function moduleSeries(runId: string, turns: readonly TurnRecord[], metric: ModuleMetric, module: string, axis: XAxis): Series {
  // Plain loops into preallocated arrays: live charts run this for every module on every frame.
  const xs = new Float64Array(turns.length);
  const ys = new Float64Array(turns.length);
  let n = 0;
  for (const t of turns) {
    if (!onAxis(t, axis)) continue;
    let d: ModuleDiagnostics | undefined;
    for (const m of t.diagnostics.modules)
      if (m.module === module) {
        d = m;
        break;
      }
    xs[n] = xOf(t, axis);
    ys[n++] = d?.[metric] ?? NaN;
  }
  return { key: `${runId}|${module}|${metric}`, runId, module, xs: xs.slice(0, n), ys: ys.slice(0, n) };
}

export function lossSeries(runId: string, turns: readonly TurnRecord[], axis: XAxis): Series {
  const kept = turns.filter((t) => onAxis(t, axis));
  return {
    key: `${runId}||loss`,
    runId,
    xs: Float64Array.from(kept, (t) => xOf(t, axis)),
    ys: Float64Array.from(kept, (t) => t.loss ?? NaN),
  };
}

/**
 * Efficacy & co. over the run, in percent (lib/percent.ts). `immediate` scores ride on the turn records; other protocols arrive as
 * metrics events that carry only an edits count, placed on the turn/wall axes at the last target turn
 * with that count (edits 0 with no such turn — the pre-edit model — sits at x = 0, before turn 1).
 */
export function evalSeries(
  runId: string,
  turns: readonly TurnRecord[],
  metrics: readonly MetricsRecord[],
  metric: MetricKind,
  protocol: EvalProtocol,
  measure: EvalMeasure,
  axis: XAxis,
): Series {
  const key = `${runId}||${protocol}:${metric}:${measure}`;
  const xs: number[] = [];
  const ys: number[] = [];
  if (protocol === 'immediate') {
    for (const t of turns) {
      const v = t.immediate?.metrics[metric]?.[measure];
      if (v === undefined || !onAxis(t, axis)) continue;
      xs.push(xOf(t, axis));
      ys.push(toPercent(v));
    }
  } else {
    const atEdits = new Map<number, TurnRecord>();
    for (const t of turns) if (t.kind === 'target') atEdits.set(t.edits, t);
    const points: [number, number][] = [];
    for (const r of metrics) {
      const v = r.protocol === protocol ? r.metrics[metric]?.[measure] : undefined;
      if (v === undefined) continue;
      const t = atEdits.get(r.edits);
      const x = axis === 'edits' ? r.edits : t ? xOf(t, axis) : r.edits === 0 ? 0 : null;
      if (x !== null) points.push([x, toPercent(v)]);
    }
    points.sort((a, b) => a[0] - b[0]);
    for (const [x, y] of points) {
      xs.push(x);
      ys.push(y);
    }
  }
  return { key, runId, xs: Float64Array.from(xs), ys: Float64Array.from(ys) };
}

/** All series a chart needs for the given runs and modules (modules apply to per-module metrics only). */
export function chartSeries(
  runs: readonly { id: string; turns: readonly TurnRecord[]; metrics: readonly MetricsRecord[] }[],
  metric: ChartMetric,
  modules: readonly string[],
  axis: XAxis,
): Series[] {
  const out: Series[] = [];
  for (const run of runs) {
    if (metric.kind === 'module') {
      const present = new Set(modulesOf(run.turns));
      for (const m of modules) if (present.has(m)) out.push(moduleSeries(run.id, run.turns, metric.metric, m, axis));
    } else if (metric.kind === 'loss') {
      out.push(lossSeries(run.id, run.turns, axis));
    } else if (metric.kind === 'scalar') {
      out.push(scalarSeries(run.id, run.turns, run.metrics, metric.name, axis));
    } else if (metric.kind === 'general') {
      const present = new Set(generalTasksOf([run]));
      for (const task of metric.tasks) if (present.has(task)) out.push(generalSeries(run.id, run.turns, run.metrics, task, axis));
    } else {
      out.push(evalSeries(run.id, run.turns, run.metrics, metric.metric, metric.protocol, metric.measure, axis));
    }
  }
  return out;
}

/**
 * The protocols under which some run scored `metric`, in the order given. The immediate protocol
 * scores only efficacy and generalization (the loc prompts are scored with the sampled and final
 * evaluations), so a specificity chart set to "immediate" falls back to the first protocol listed here.
 */
export function evalProtocolsWithData(
  runs: readonly { turns: readonly TurnRecord[]; metrics: readonly MetricsRecord[] }[],
  metric: MetricKind,
  protocols: readonly EvalProtocol[],
  measure: EvalMeasure = 'tokenAccuracy',
): EvalProtocol[] {
  // WILD is scored with the sampled, final and pre-edit evaluations only: its charts fall back the same way.
  const has = (s: MetricsRecord['metrics'][MetricKind]) => s?.[measure] !== undefined;
  return protocols.filter((p) =>
    runs.some((r) =>
      p === 'immediate'
        ? r.turns.some((t) => has(t.immediate?.metrics[metric]))
        : r.metrics.some((m) => m.protocol === p && has(m.metrics[metric])),
    ),
  );
}

/**
 * Where each run's warm-up block ends, on an x axis: between its last warm-up turn and the next turn
 * (turn axis), at the edits applied before it (edits axis, where warm-up turns are not drawn), at its
 * last warm-up turn's time (wall). One mark per distinct x, for runs whose warm-up has run.
 */
export function warmupEnds(runs: readonly { turns: readonly TurnRecord[] }[], axis: XAxis): number[] {
  const xs = new Set<number>();
  for (const r of runs) {
    let last: TurnRecord | undefined;
    for (const t of r.turns) if (t.kind === 'warmup') last = t;
    if (!last) continue;
    xs.add(axis === 'turn' ? last.step + 1.5 : axis === 'edits' ? last.edits : last.wallMs / 1000);
  }
  return [...xs].sort((a, b) => a - b);
}
