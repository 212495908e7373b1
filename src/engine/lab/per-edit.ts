/**
 * Per-edit pre/post token accuracy (EasyEdit's per-case layout) from two evaluate() score maps, with
 * the WILD answers (generated text, exact match, F1) where the run generated them.
 */
import type { EditRecord } from '../types';
import type { RecordScores } from '../eval/evaluate';
import type { WildRow } from '../eval/wild';

/** The WILD outcome of one prompt of an edit. */
export type WildOutcome = WildRow;
const WILD_FIELDS = [
  ['rewrite', 'efficacy'],
  ['rephrase', 'generalization'],
  ['locality', 'specificity'],
  ['personas', 'personas'],
  ['multihop', 'multihop'],
] as const;

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
  /** WILD (generated answers, docs/design.md §2), per prompt of the edit, when the run generated them. */
  wild?: Partial<Record<(typeof WILD_FIELDS)[number][0], WildOutcome>>;
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

function outcome(scores: RecordScores, i: number, generated?: Map<string, WildRow> | null): EditOutcome {
  const acc = (kind: string) => scores.get(`${kind}:${i}`)?.tokenAccuracy;
  const wild: EditOutcome['wild'] = {};
  for (const [field, kind] of WILD_FIELDS) {
    const row = generated?.get(`${kind}:${i}`);
    if (row) wild[field] = row;
  }
  return {
    ...(Object.keys(wild).length ? { wild } : {}),
    rewriteAcc: acc('efficacy') ?? 0,
    rephraseAcc: acc('generalization'),
    localityAcc: acc('specificity'),
    personasAcc: acc('personas'),
    multihopAcc: acc('multihop'),
  };
}

export function perEditResults(
  records: readonly EditRecord[],
  pre: RecordScores,
  post: RecordScores,
  generated: { pre?: Map<string, WildRow> | null; post?: Map<string, WildRow> | null } = {},
): PerEditResult[] {
  return records.map((r) => ({
    caseId: r.index,
    prompt: r.prompt,
    targetNew: r.answer,
    groundTruth: r.oldAnswer,
    subject: r.subject,
    rephrase: r.rephrase,
    locPrompt: r.locPrompt,
    locAnswer: r.locAnswer,
    pre: outcome(pre, r.index, generated.pre),
    post: outcome(post, r.index, generated.post),
  }));
}
