/**
 * The immediate evaluation of a turn's edits (efficacy and generalization right after the update),
 * sharing what the capture already did: efficacy scores the capture's own sub-batches (no second
 * tokenization or padding) starting from the residual stream the capture kept at the lowest edited
 * block — the blocks below it are untouched by the edit, so only the blocks from there on run.
 * Generalization (the rephrases) runs in full. Without residuals (not asked for at capture) efficacy
 * runs in full on the capture's sub-batches.
 */
import type { EditRecord, SubBatchCapture, TextTokenizer } from '../types';
import type { ModelRuntime } from '../runtime/runtime';
import type { LabeledSubBatch } from '../run/batching';
import { evaluate, type Evaluation, type MetricKind, type RecordScores } from './evaluate';

export const IMMEDIATE_KINDS: readonly MetricKind[] = ['efficacy', 'generalization'];

export function immediateEvaluation(
  runtime: ModelRuntime,
  tok: TextTokenizer,
  records: readonly EditRecord[],
  turn: { subBatches: readonly LabeledSubBatch[]; captures: readonly SubBatchCapture[] },
  baseline?: RecordScores,
): Promise<Evaluation> {
  const { subBatches, captures } = turn;
  if (captures.length !== subBatches.length)
    throw new Error(`immediate evaluation: ${captures.length} captures for ${subBatches.length} sub-batches`);
  const predict = (sb: LabeledSubBatch, i: number) => {
    const r = captures[i].residual;
    return r ? runtime.predictFrom(sb, r) : runtime.predict(sb);
  };
  return evaluate(runtime, tok, records, { kinds: IMMEDIATE_KINDS, baseline, prepared: { efficacy: { subBatches, predict } } });
}
