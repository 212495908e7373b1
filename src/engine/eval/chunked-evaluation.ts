/**
 * evaluate() over many records, a chunk of records at a time (docs/design.md §2, "final evaluation
 * in chunks"): per metric it keeps running sums, not rows; after each chunk it calls back (progress,
 * checkpoint) with a state a later pass can resume from. A 2M-edit final evaluation so reports as it
 * goes, and a kill during it loses at most one chunk.
 *
 * The sums run over rows in the order evaluate() scores them, chunk after chunk, from 0: one chunk
 * gives exactly evaluate()'s means, and a resumed pass exactly the numbers of an uninterrupted one.
 */
import type { EditRecord, TextTokenizer } from '../types';
import type { ModelRuntime } from '../runtime/runtime';
import {
  agreementRows,
  evaluate,
  METRIC_KINDS,
  type EvaluateOptions,
  type Evaluation,
  type MetricKind,
  type MetricSummary,
  type RecordScores,
} from './evaluate';
import type { RowScore } from './token-accuracy';

export interface RunningSums {
  tokenAccuracy: number;
  exact: number;
  records: number;
}

/** Where a chunked pass stands: records scored so far (the next chunk starts there) and the sums over them. */
export interface ChunkedProgress {
  done: number;
  sums: Partial<Record<MetricKind, RunningSums>>;
  /** Agreement of loc predictions with the pre-edit ones, when a baseline is given. */
  agreement?: RunningSums;
}

export interface ChunkedOptions extends Omit<EvaluateOptions, 'prepared'> {
  /** Records per chunk. */
  chunk: number;
  /** A pass to go on with (from a checkpoint); its `done` records are not scored again. */
  from?: ChunkedProgress;
  /** After each chunk: the pass so far and the chunk's per-record scores. */
  onChunk?: (progress: ChunkedProgress, scores: RecordScores) => Promise<void> | void;
}

export async function evaluateInChunks(
  runtime: ModelRuntime,
  tok: TextTokenizer,
  records: readonly EditRecord[],
  opts: ChunkedOptions,
): Promise<Omit<Evaluation, 'scores'>> {
  if (!(Number.isInteger(opts.chunk) && opts.chunk >= 1))
    throw new Error(`evaluation chunk must be a whole number ≥ 1 (got ${opts.chunk})`);
  const progress: ChunkedProgress = structuredClone(opts.from ?? { done: 0, sums: {} });
  while (progress.done < records.length) {
    const part = records.slice(progress.done, progress.done + opts.chunk);
    const { scores } = await evaluate(runtime, tok, part, { kinds: opts.kinds, batch: opts.batch });
    for (const [key, row] of scores) add(progress.sums, key.slice(0, key.indexOf(':')) as MetricKind, row);
    if (opts.baseline) for (const row of agreementRows(scores, opts.baseline)) progress.agreement = added(progress.agreement, row);
    progress.done += part.length;
    await opts.onChunk?.(structuredClone(progress), scores);
  }
  const metrics: Evaluation['metrics'] = {};
  for (const kind of opts.kinds ?? METRIC_KINDS) {
    const s = progress.sums[kind];
    if (s?.records) metrics[kind] = summary(s);
  }
  return progress.agreement ? { metrics, specificityAgreement: summary(progress.agreement) } : { metrics };
}

function add(sums: ChunkedProgress['sums'], kind: MetricKind, row: RowScore) {
  sums[kind] = added(sums[kind], row);
}

function added(s: RunningSums | undefined, row: RowScore): RunningSums {
  const t = s ?? { tokenAccuracy: 0, exact: 0, records: 0 };
  return { tokenAccuracy: t.tokenAccuracy + row.tokenAccuracy, exact: t.exact + (row.exact ? 1 : 0), records: t.records + 1 };
}

function summary(s: RunningSums): MetricSummary {
  return { tokenAccuracy: s.tokenAccuracy / s.records, exactMatch: s.exact / s.records, records: s.records };
}
