/**
 * The numbers of the comparison table (paper layout: Eff. / Gen. / Spe. / Personas / Reasoning).
 * A run's row shows its final evaluation when it has one, else its latest sample estimate — and says
 * which, because the two protocols are not comparable (docs/design.md §2).
 */
import type { MetricKind } from '../../engine/eval/evaluate';
import type { EvalProtocol, MetricsRecord, RunReport } from '../../engine/run/events';
import type { EvalMeasure } from './series';
import { toPercent } from './percent';

export const COMPARISON_COLUMNS: readonly [MetricKind, string][] = [
  ['efficacy', 'Eff.'],
  ['generalization', 'Gen.'],
  ['specificity', 'Spe.'],
  ['personas', 'Personas'],
  ['multihop', 'Reasoning'],
  ['portability', 'Port.'],
];

export interface ComparableRun {
  id: string;
  label: string;
  metrics: readonly MetricsRecord[];
  report?: RunReport;
}

export interface ComparisonRow {
  key: string;
  label: string;
  editor?: string;
  protocol?: EvalProtocol;
  edits?: number;
  /** Percent, per column; undefined where not measured. */
  values: (number | undefined)[];
  /** Per column: this row holds the column's best value (only marked when there are ≥ 2 runs). */
  best: boolean[];
  /** General capability per task of `generalTasks` (the generated answers' weighted F1, %). */
  general: (number | undefined)[];
  generalBest: boolean[];
}

export function scoresOf(run: ComparableRun): MetricsRecord | undefined {
  if (run.report) return run.report.final;
  let latest: MetricsRecord | undefined;
  for (const m of run.metrics) if (m.protocol === 'final' || (m.protocol === 'sample' && latest?.protocol !== 'final')) latest = m;
  return latest;
}

export function preEditOf(runs: readonly ComparableRun[]): MetricsRecord | undefined {
  for (const r of runs) {
    const pre = r.report?.preEdit ?? r.metrics.find((m) => m.protocol === 'pre-edit');
    if (pre) return pre;
  }
  return undefined;
}

const percents = (rec: MetricsRecord | undefined, measure: EvalMeasure) =>
  COMPARISON_COLUMNS.map(([k]) => {
    const v = rec?.metrics[k]?.[measure];
    return v === undefined || !Number.isFinite(v) ? undefined : toPercent(v);
  });

/** General capability of a record per task, in % (the reference's `f1`), undefined where not scored. */
const generalPercents = (rec: MetricsRecord | undefined, tasks: readonly string[]) =>
  tasks.map((t) => {
    const v = rec?.general?.[t]?.f1;
    return v === undefined || !Number.isFinite(v) ? undefined : toPercent(v);
  });

/** Each column's best: marked only when there are ≥ 2 rows. */
function bestOf(rows: readonly ComparisonRow[], pick: (r: ComparisonRow) => (number | undefined)[], width: number): boolean[][] {
  const marks = rows.map(() => new Array<boolean>(width).fill(false));
  for (let c = 0; c < width; c++) {
    const top = Math.max(...rows.map((r) => pick(r)[c] ?? -Infinity));
    rows.forEach((r, i) => (marks[i][c] = rows.length > 1 && pick(r)[c] !== undefined && pick(r)[c] === top));
  }
  return marks;
}

export function comparisonRows(
  runs: readonly ComparableRun[],
  measure: EvalMeasure,
): { preEdit?: ComparisonRow; rows: ComparisonRow[]; generalTasks: { key: string; title: string }[] } {
  const titles = new Map<string, string>();
  for (const r of runs)
    for (const m of [...r.metrics, ...(r.report ? [r.report.final] : [])])
      for (const [k, v] of Object.entries(m.general ?? {})) titles.set(k, v.title);
  const tasks = [...titles.keys()];
  const rows: ComparisonRow[] = runs.map((r) => {
    const rec = scoresOf(r);
    return {
      key: r.id,
      label: r.label,
      editor: r.report?.editor,
      protocol: rec?.protocol,
      edits: rec?.edits,
      values: percents(rec, measure),
      best: [],
      general: generalPercents(rec, tasks),
      generalBest: [],
    };
  });
  bestOf(rows, (r) => r.values, COMPARISON_COLUMNS.length).forEach((b, i) => (rows[i].best = b));
  bestOf(rows, (r) => r.general, tasks.length).forEach((b, i) => (rows[i].generalBest = b));
  const pre = preEditOf(runs);
  const preEdit = pre && {
    key: 'pre-edit',
    label: 'Pre-edited',
    protocol: pre.protocol,
    edits: 0,
    values: percents(pre, measure),
    best: COMPARISON_COLUMNS.map(() => false),
    general: generalPercents(pre, tasks),
    generalBest: tasks.map(() => false),
  };
  return { preEdit, rows, generalTasks: tasks.map((key) => ({ key, title: titles.get(key)! })) };
}
