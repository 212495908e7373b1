/**
 * Per-edit results in the layout EasyEdit writes (its `all_metrics` list), so scripts written for
 * EasyEdit outputs read ours unchanged:
 *
 *   [{ case_id, requested_rewrite: { prompt, target_new, ground_truth?, subject?, rephrase_prompt?,
 *        locality?: { neighborhood: { prompt, ground_truth } } },
 *      pre:  { rewrite_acc: [x], rephrase_acc?: [x], locality?: { neighborhood_acc: [x] },
 *              portability?: { personas_acc?: [x], multihop_acc?: [x] } },
 *      post: { …same… } }]
 *   (+ `wild: { rewrite_acc, rewrite_f1, rewrite_gen_content, … }` in pre and post when the run
 *    generated answers: the WILD protocol's exact match, F1 and text per prompt)
 *
 * Scores are one-element lists as in EasyEdit. One difference worth knowing: EasyEdit's `pre.locality`
 * holds the pre-edit model's raw outputs and its `post.locality` the agreement with them; here both
 * hold token accuracy against the dataset's locality answer (our Specificity, docs/design.md §2).
 */

import type { EditOutcome, PerEditResult } from '../../engine/lab/per-edit';

export type { EditOutcome, PerEditResult };

export interface EasyEditOutcome {
  rewrite_acc: number[];
  rephrase_acc?: number[];
  locality?: { neighborhood_acc: number[] };
  portability?: { personas_acc?: number[]; multihop_acc?: number[] };
  /**
   * The WILD protocol's answers, named as EasyEdit's generation-based evaluation names them
   * (`<prompt>_acc` the exact match, `<prompt>_gen_content` the text) plus `<prompt>_f1`.
   */
  wild?: Record<string, number[] | string[]>;
}

export interface EasyEditCase {
  case_id: number;
  requested_rewrite: {
    prompt: string;
    target_new: string;
    ground_truth?: string;
    subject?: string;
    rephrase_prompt?: string;
    locality?: { neighborhood: { prompt: string; ground_truth: string } };
  };
  pre: EasyEditOutcome;
  post: EasyEditOutcome;
}

function outcome(o: EditOutcome): EasyEditOutcome {
  const out: EasyEditOutcome = { rewrite_acc: [o.rewriteAcc] };
  if (o.rephraseAcc !== undefined) out.rephrase_acc = [o.rephraseAcc];
  if (o.localityAcc !== undefined) out.locality = { neighborhood_acc: [o.localityAcc] };
  if (o.personasAcc !== undefined || o.multihopAcc !== undefined) {
    out.portability = {};
    if (o.personasAcc !== undefined) out.portability.personas_acc = [o.personasAcc];
    if (o.multihopAcc !== undefined) out.portability.multihop_acc = [o.multihopAcc];
  }
  if (o.wild) {
    out.wild = {};
    for (const [field, row] of Object.entries(o.wild)) {
      out.wild[`${field}_acc`] = [row.exact ? 1 : 0];
      out.wild[`${field}_f1`] = [row.f1];
      out.wild[`${field}_gen_content`] = [row.text];
    }
  }
  return out;
}

export function toEasyEditCases(results: readonly PerEditResult[]): EasyEditCase[] {
  return results.map((r) => {
    const rewrite: EasyEditCase['requested_rewrite'] = { prompt: r.prompt, target_new: r.targetNew };
    if (r.groundTruth !== undefined) rewrite.ground_truth = r.groundTruth;
    if (r.subject !== undefined) rewrite.subject = r.subject;
    if (r.rephrase !== undefined) rewrite.rephrase_prompt = r.rephrase;
    if (r.locPrompt !== undefined && r.locAnswer !== undefined) {
      rewrite.locality = { neighborhood: { prompt: r.locPrompt, ground_truth: r.locAnswer } };
    }
    return { case_id: r.caseId, requested_rewrite: rewrite, pre: outcome(r.pre), post: outcome(r.post) };
  });
}

export function easyEditJson(results: readonly PerEditResult[]): string {
  return JSON.stringify(toEasyEditCases(results), null, 2);
}
