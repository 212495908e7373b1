/** Per-edit pre/post token accuracy (EasyEdit's per-case layout) from two evaluate() score maps. */
import type { EditRecord } from '../src/engine/types';
import type { RecordScores } from '../src/engine/eval/evaluate';
import type { EditOutcome, PerEditResult } from '../src/ui/lib/easyedit-json';

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
