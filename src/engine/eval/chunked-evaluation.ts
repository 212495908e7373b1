/**
 * evaluate() over many records, a chunk of records at a time (docs/design.md §2, "final evaluation
 * in chunks"): per metric it keeps running sums, not rows; after each chunk it calls back (progress,
 * checkpoint) with a state a later pass can resume from. A 2M-edit final evaluation so reports as it
 * goes, and a kill during it loses at most one chunk.
 *
 * Each chunk's summaries are folded in as sums (mean × records, per field: token accuracy, exact
 * match, WILD's exact match and F1), chunk after chunk from 0, so a resumed pass gives exactly the
 * numbers of an uninterrupted one; a pass of one chunk is evaluate()'s own result.
 */
import type { EditRecord, TextTokenizer } from '../types';
import type { ModelRuntime } from '../runtime/runtime';
import {
  evaluate,
  METRIC_KINDS,
  type EvaluateOptions,
  type Evaluation,
  type MetricKind,
  type MetricSummary,
  type RecordScores,
} from './evaluate';
import { asRecordSource, type RecordSource } from '../util/record-source';

/** Per summary field, the sum over records of its value; `records` the count. */
export type RunningSums = Record<string, number> & { records: number };

/** Where a chunked pass stands: records scored so far (the next chunk starts there) and the sums over them. */
export interface ChunkedProgress {
  done: number;
  /** Chunks folded in (a pass of one is evaluate()'s result as it is). */
  chunks: number;
  sums: Partial<Record<MetricKind, RunningSums>>;
  /** Agreement of loc predictions with the pre-edit ones, when a baseline is given. */
  agreement?: RunningSums;
}

export interface ChunkedOptions extends Omit<EvaluateOptions, 'prepared' | 'baseline'> {
  /** Pre-edit scores for the agreement metric: all of them, or those of each chunk's records (a run that streams them). */
  baseline?: RecordScores | ((records: readonly EditRecord[]) => RecordScores);
  /** Records per chunk. */
  chunk: number;
  /** A pass to go on with (from a checkpoint); its `done` records are not scored again. */
  from?: ChunkedProgress;
  /** After each chunk: the pass so far, the chunk's own evaluation (per-record scores, generated answers) and its records. */
  onChunk?: (progress: ChunkedProgress, chunk: Evaluation, records: readonly EditRecord[]) => Promise<void> | void;
}

export async function evaluateInChunks(
  runtime: ModelRuntime,
  tok: TextTokenizer,
  records: readonly EditRecord[] | RecordSource,
  opts: ChunkedOptions,
): Promise<Pick<Evaluation, 'metrics' | 'specificityAgreement'>> {
  if (!(Number.isInteger(opts.chunk) && opts.chunk >= 1))
    throw new Error(`evaluation chunk must be a whole number ≥ 1 (got ${opts.chunk})`);
  const { chunk, from, onChunk, baseline, ...evalOpts } = opts;
  const source = asRecordSource(records);
  const progress: ChunkedProgress = structuredClone(from ?? { done: 0, chunks: 0, sums: {} });
  let only: Evaluation | null = null;
  while (progress.done < source.length) {
    const part = await source.range(progress.done, progress.done + chunk);
    const ev = await evaluate(runtime, tok, part, {
      ...evalOpts,
      ...(baseline ? { baseline: typeof baseline === 'function' ? baseline(part) : baseline } : {}),
    });
    for (const [kind, m] of Object.entries(ev.metrics) as [MetricKind, MetricSummary][])
      progress.sums[kind] = added(progress.sums[kind], m);
    if (ev.specificityAgreement) progress.agreement = added(progress.agreement, ev.specificityAgreement);
    progress.done += part.length;
    progress.chunks++;
    only = progress.chunks === 1 ? ev : null;
    await onChunk?.(structuredClone(progress), ev, part);
  }
  if (only) return { metrics: only.metrics, ...(only.specificityAgreement ? { specificityAgreement: only.specificityAgreement } : {}) };
  const metrics: Evaluation['metrics'] = {};
  for (const kind of opts.kinds ?? METRIC_KINDS) {
    const s = progress.sums[kind];
    if (s?.records) metrics[kind] = summary(s);
  }
  return progress.agreement ? { metrics, specificityAgreement: summary(progress.agreement) } : { metrics };
}

function added(s: RunningSums | undefined, m: MetricSummary): RunningSums {
  const out: RunningSums = { ...(s ?? { records: 0 }) };
  for (const [k, v] of Object.entries(m)) if (k !== 'records' && typeof v === 'number') out[k] = (out[k] ?? 0) + v * m.records;
  out.records += m.records;
  return out;
}

function summary(s: RunningSums): MetricSummary {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(s)) out[k] = k === 'records' ? v : v / s.records;
  return out as unknown as MetricSummary;
}
