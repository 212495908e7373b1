/**
 * Whether a record fits a model once tokenized as the run and the evaluation will tokenize it
 * (batching.ts: prompt ++ answer[:-1]), for every pair that gets scored. Used as a dataset check
 * (DatasetOptions.check), so an over-long record is a data error with its file, record and line,
 * handled by skip/stop like any invalid record, instead of a failure deep inside a turn.
 */
import type { EditRecord, TextTokenizer } from '../types';
import { tokenizePair } from './batching';
import { METRIC_KINDS, pairsFor } from '../eval/evaluate';

/** The record field that holds each metric's prompt. */
const PROMPT_FIELD = {
  efficacy: 'prompt',
  generalization: 'rephrase',
  specificity: 'locPrompt',
  personas: 'personas',
  multihop: 'mhop',
  portability: 'portability',
};

export function recordFitCheck(tok: TextTokenizer, maxPositions: number): (r: EditRecord) => { field: string; problem: string } | null {
  return (r) => {
    for (const kind of METRIC_KINDS)
      for (const [j, pair] of pairsFor(kind, r).entries()) {
        const field = kind === 'portability' ? `portability[${j}] (${r.portability![j].kind})` : PROMPT_FIELD[kind];
        let length: number;
        try {
          length = tokenizePair(tok, pair).inputIds.length;
        } catch (e) {
          return { field, problem: (e as Error).message.replace(/^record \d+: /, '') };
        }
        if (length > maxPositions)
          return {
            field,
            problem: `is ${length} tokens long with its answer; the model takes at most ${maxPositions} positions`,
          };
      }
    return null;
  };
}
