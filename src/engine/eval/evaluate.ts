/**
 * Efficacy, generalization, specificity, personas and multi-hop of a set of edit records on the
 * model as it stands (docs/design.md §2): teacher-forced top-1 token accuracy per record (partial credit)
 * and exact match, each averaged over records. Specificity is scored against the dataset's loc
 * answer and, when pre-edit predictions are given, as agreement with the pre-edit model.
 *
 * The rows of every metric go through one batched pass (pooled, sorted by length, cut into batches),
 * so short metrics fill the batches of long ones; a metric whose sub-batches were already built (the
 * capture's, for efficacy right after an edit) is scored on those by its own predictor.
 */
import type { EditRecord, TextTokenizer } from '../types';
import type { ModelRuntime } from '../runtime/runtime';
import { buildSubBatches, type LabeledSubBatch, type ScoringPair } from '../run/batching';
import { mean, scoreRows, type RowScore } from './token-accuracy';

export const METRIC_KINDS = ['efficacy', 'generalization', 'specificity', 'personas', 'multihop'] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];

/** Which prompt/target of a record each metric scores; null when the record lacks it. */
export function pairFor(kind: MetricKind, r: EditRecord): ScoringPair | null {
  const pair = (prompt: string | undefined, target: string | undefined) => (prompt && target ? { id: r.index, prompt, target } : null);
  switch (kind) {
    case 'efficacy':
      return pair(r.prompt, r.answer);
    case 'generalization':
      return pair(r.rephrase, r.answer);
    case 'specificity':
      return pair(r.locPrompt, r.locAnswer);
    case 'personas':
      return pair(r.personas, r.answer);
    case 'multihop':
      return pair(r.mhop, r.mhopAnswer);
  }
}

export interface MetricSummary {
  /** Mean token accuracy over records (UltraEdit's number), in [0, 1]. */
  tokenAccuracy: number;
  /** Mean exact match over records. */
  exactMatch: number;
  records: number;
}

/** Per record and metric: the row score, keyed `${kind}:${record index}`. */
export type RecordScores = Map<string, RowScore>;

export interface Evaluation {
  metrics: Partial<Record<MetricKind, MetricSummary>>;
  /** Agreement of loc predictions with the pre-edit model's, when a baseline was given. */
  specificityAgreement?: MetricSummary;
  scores: RecordScores;
}

/** A metric's rows already tokenized and padded (records = EditRecord.index), and how to predict them. */
export interface PreparedMetric {
  subBatches: readonly LabeledSubBatch[];
  predict(sb: LabeledSubBatch, index: number): Promise<Int32Array>;
}

export interface EvaluateOptions {
  kinds?: readonly MetricKind[];
  /** Rows per forward pass. */
  batch?: number;
  /** Scores of the pre-edit model (from an earlier evaluate call) for the agreement metric. */
  baseline?: RecordScores;
  /** Metrics scored on given sub-batches instead of tokenizing the records' pairs. */
  prepared?: Partial<Record<MetricKind, PreparedMetric>>;
}

export async function evaluate(
  runtime: ModelRuntime,
  tok: TextTokenizer,
  records: readonly EditRecord[],
  opts: EvaluateOptions = {},
): Promise<Evaluation> {
  const scores: RecordScores = new Map();
  const rows = new Map<MetricKind, RowScore[]>();
  const keep = (kind: MetricKind, id: number, row: RowScore) => {
    scores.set(`${kind}:${id}`, row);
    if (!rows.has(kind)) rows.set(kind, []);
    rows.get(kind)!.push(row);
  };
  const kinds = opts.kinds ?? METRIC_KINDS;
  // pooled pairs get ids into `owners`, which maps each row back to its metric and record
  const owners: { kind: MetricKind; id: number }[] = [];
  const pooled: ScoringPair[] = [];
  for (const kind of kinds) {
    const prepared = opts.prepared?.[kind];
    if (prepared) {
      for (const [i, sb] of prepared.subBatches.entries()) {
        const scored = scoreRows(sb, await prepared.predict(sb, i));
        sb.records.forEach((id, b) => keep(kind, id, scored[b]));
      }
      continue;
    }
    for (const r of records) {
      const p = pairFor(kind, r);
      if (!p) continue;
      pooled.push({ ...p, id: owners.length });
      owners.push({ kind, id: p.id });
    }
  }
  for (const sb of buildSubBatches(tok, pooled, { subBatch: opts.batch ?? 16, padMultiple: 8 })) {
    const scored = scoreRows(sb, await runtime.predict(sb));
    sb.records.forEach((o, b) => keep(owners[o].kind, owners[o].id, scored[b]));
  }
  const metrics: Evaluation['metrics'] = {};
  for (const kind of kinds) {
    const r = rows.get(kind);
    if (r?.length) metrics[kind] = summarize(r);
  }
  const out: Evaluation = { metrics, scores };
  if (opts.baseline) out.specificityAgreement = agreement(scores, opts.baseline);
  return out;
}

function summarize(rows: RowScore[]): MetricSummary {
  return {
    tokenAccuracy: mean(rows.map((r) => r.tokenAccuracy)),
    exactMatch: mean(rows.map((r) => (r.exact ? 1 : 0))),
    records: rows.length,
  };
}

/** Fraction of loc label positions where the current prediction equals the pre-edit one. */
function agreement(now: RecordScores, before: RecordScores): MetricSummary | undefined {
  const rows = agreementRows(now, before);
  return rows.length ? summarize(rows) : undefined;
}

/** Per loc row scored in `now` and in `before`: its agreement with the pre-edit prediction, in `now`'s order. */
export function agreementRows(now: RecordScores, before: RecordScores): RowScore[] {
  const rows: RowScore[] = [];
  for (const [key, cur] of now) {
    const pre = before.get(key);
    if (!key.startsWith('specificity:') || !pre) continue;
    const same = cur.predicted.map((t, i) => (t === pre.predicted[i] ? 1 : 0));
    rows.push({ tokenAccuracy: mean(same), exact: same.every((x) => x === 1), predicted: cur.predicted });
  }
  return rows;
}
