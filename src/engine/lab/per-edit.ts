/** Per-edit pre/post token accuracy (EasyEdit's per-case layout) from two evaluate() score maps. */
import type { EditRecord } from '../types';
import type { RecordScores } from '../eval/evaluate';

/** Scores of one edit record on one model state; token accuracy (teacher-forced top-1, partial credit). */
export interface EditOutcome {
  /** Efficacy: (prompt, new answer). */
  rewriteAcc: number;
  /** Generalization: (rephrase, new answer). */
  rephraseAcc?: number;
  /** Specificity: (locality prompt, locality answer). */
  localityAcc?: number;
  personasAcc?: number;
  multihopAcc?: number;
}

/** One edit with its scores before and after editing — what a run's per-edit evaluation produces. */
export interface PerEditResult {
  /** The record's index in the edit stream. */
  caseId: number;
  prompt: string;
  targetNew: string;
  /** The old answer, when the dataset has one. */
  groundTruth?: string;
  subject?: string;
  rephrase?: string;
  locPrompt?: string;
  locAnswer?: string;
  pre: EditOutcome;
  post: EditOutcome;
}

function outcome(scores: RecordScores, i: number): EditOutcome {
  const acc = (kind: string) => scores.get(`${kind}:${i}`)?.tokenAccuracy;
  return {
    rewriteAcc: acc('efficacy') ?? 0,
    rephraseAcc: acc('generalization'),
    localityAcc: acc('specificity'),
    personasAcc: acc('personas'),
    multihopAcc: acc('multihop'),
  };
}

export function perEditResults(records: readonly EditRecord[], pre: RecordScores, post: RecordScores): PerEditResult[] {
  return records.map((r) => ({
    caseId: r.index,
    prompt: r.prompt,
    targetNew: r.answer,
    groundTruth: r.oldAnswer,
    subject: r.subject,
    rephrase: r.rephrase,
    locPrompt: r.locPrompt,
    locAnswer: r.locAnswer,
    pre: outcome(pre, r.index),
    post: outcome(post, r.index),
  }));
}
