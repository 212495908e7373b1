/**
 * Efficacy, generalization, specificity, personas and multi-hop of a set of edit records on the
 * model as it stands (docs/design.md §2): teacher-forced top-1 token accuracy per record (partial credit)
 * and exact match, each averaged over records. Specificity is scored against the dataset's loc
 * answer and, when pre-edit predictions are given, as agreement with the pre-edit model.
 *
 * The rows of every metric go through one batched pass (pooled, sorted by length, cut into batches),
 * so short metrics fill the batches of long ones; a metric whose sub-batches were already built (the
 * capture's, for efficacy right after an edit) is scored on those by its own predictor.
 *
 * With `wild`, every pair is also answered by greedy generation and judged as generated (EasyEdit's
 * WILD protocol, ./wild.ts): exact match and token F1 beside the teacher-forced numbers.
 */
import type { EditRecord, TextTokenizer } from '../types';
import type { ModelRuntime } from '../runtime/runtime';
import { buildSubBatches, type LabeledSubBatch, type ScoringPair } from '../run/batching';
import { mean, scoreRows, type RowScore } from './token-accuracy';
import { wildScores, type WildRow } from './wild';

export const METRIC_KINDS = ['efficacy', 'generalization', 'specificity', 'personas', 'multihop', 'portability'] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];

/**
 * The prompt/target pairs of a record each metric scores (id = the record's index); none when the
 * record lacks them. Every metric has one pair per record but KnowEdit's portability, which has one
 * per question; a record's score is the mean over its pairs (EasyEdit's per-record mean).
 */
export function pairsFor(kind: MetricKind, r: EditRecord): ScoringPair[] {
  if (kind === 'portability') return (r.portability ?? []).map((p) => ({ id: r.index, prompt: p.prompt, target: p.answer }));
  const one = pairFor(kind, r);
  return one ? [one] : [];
}

export function pairFor(kind: Exclude<MetricKind, 'portability'>, r: EditRecord): ScoringPair | null {
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
  /** WILD (generated answer, docs/design.md §2): exact match after normalization, mean over records. */
  wildExactMatch?: number;
  /** WILD: token-level F1 of the generated answer, mean over records. */
  wildF1?: number;
}

/**
 * Per record and metric: the row score, keyed `${kind}:${record index}` (portability, several per
 * record: `portability:${index}:${j}` per question, and `portability:${index}` their mean).
 */
export type RecordScores = Map<string, RowScore>;

export interface Evaluation {
  metrics: Partial<Record<MetricKind, MetricSummary>>;
  /** Agreement of loc predictions with the pre-edit model's, when a baseline was given. */
  specificityAgreement?: MetricSummary;
  scores: RecordScores;
  /** WILD's generated answers and their judgement, keyed like `scores`, when asked for. */
  generated?: Map<string, WildRow>;
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
  /** Called after each forward pass with the prompts scored so far and in all (the page's progress line). */
  onProgress?: (done: number, total: number) => void;
  /** Metrics scored on given sub-batches instead of tokenizing the records' pairs. */
  prepared?: Partial<Record<MetricKind, PreparedMetric>>;
  /** Also score by generation (WILD); `extra` new tokens beyond the target's length (default 0). */
  wild?: boolean | { extra?: number };
}

export async function evaluate(
  runtime: ModelRuntime,
  tok: TextTokenizer,
  records: readonly EditRecord[],
  opts: EvaluateOptions = {},
): Promise<Evaluation> {
  const scores: RecordScores = new Map();
  // per metric, per record: its rows (one, or one per portability question)
  const rows = new Map<MetricKind, Map<number, RowScore[]>>();
  const keep = (kind: MetricKind, id: number, row: RowScore, part?: number) => {
    scores.set(part === undefined ? `${kind}:${id}` : `${kind}:${id}:${part}`, row);
    if (!rows.has(kind)) rows.set(kind, new Map());
    const perRecord = rows.get(kind)!;
    if (!perRecord.has(id)) perRecord.set(id, []);
    perRecord.get(id)!.push(row);
  };
  const kinds = opts.kinds ?? METRIC_KINDS;
  // pooled pairs get ids into `owners`, which maps each row back to its metric and record
  const owners: { kind: MetricKind; id: number; part?: number }[] = [];
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
      const pairs = pairsFor(kind, r);
      pairs.forEach((p, j) => {
        pooled.push({ ...p, id: owners.length });
        owners.push({ kind, id: p.id, part: kind === 'portability' ? j : undefined });
      });
    }
  }
  let done = 0;
  for (const sb of buildSubBatches(tok, pooled, { subBatch: opts.batch ?? 16, padMultiple: 8 })) {
    const scored = scoreRows(sb, await runtime.predict(sb));
    sb.records.forEach((o, b) => keep(owners[o].kind, owners[o].id, scored[b], owners[o].part));
    done += sb.records.length;
    opts.onProgress?.(done, pooled.length);
  }
  const metrics: Evaluation['metrics'] = {};
  for (const kind of kinds) {
    const perRecord = rows.get(kind);
    if (!perRecord?.size) continue;
    const recordRows = [...perRecord].map(([id, r]) => {
      if (r.length === 1) return r[0];
      const merged = {
        tokenAccuracy: mean(r.map((x) => x.tokenAccuracy)),
        exact: r.every((x) => x.exact),
        predicted: r.flatMap((x) => x.predicted),
      };
      scores.set(`${kind}:${id}`, merged);
      return merged;
    });
    metrics[kind] = summarize(recordRows);
  }
  const out: Evaluation = { metrics, scores };
  if (opts.wild) {
    const extra = typeof opts.wild === 'object' ? opts.wild.extra : undefined;
    const judged = await wildScores(runtime, tok, pooled, { batch: opts.batch ?? 16, extra });
    out.generated = new Map();
    // per metric, per record: exact match and F1 averaged over the record's pairs, then over records
    const byKind = new Map<MetricKind, Map<number, WildRow[]>>();
    for (const p of pooled) {
      const { kind, id, part } = owners[p.id];
      const row = judged.get(p.id)!;
      out.generated.set(part === undefined ? `${kind}:${id}` : `${kind}:${id}:${part}`, row);
      if (!byKind.has(kind)) byKind.set(kind, new Map());
      const perRecord = byKind.get(kind)!;
      if (!perRecord.has(id)) perRecord.set(id, []);
      perRecord.get(id)!.push(row);
    }
    for (const [kind, perRecord] of byKind) {
      const recs = [...perRecord.values()];
      metrics[kind]!.wildExactMatch = mean(recs.map((r) => mean(r.map((x) => (x.exact ? 1 : 0)))));
      metrics[kind]!.wildF1 = mean(recs.map((r) => mean(r.map((x) => x.f1))));
    }
  }
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
