/**
 * MEMIT's target vector for one edit (compute_z.py, shared verbatim by AlphaEdit; docs/design.md §7):
 * the residual stream z leaving the last edited block at the subject's last token, moved by δ so the
 * model predicts the new answer. Prompts: every context template around the prompt, each followed by
 * the answer's tokens but the last, plus the KL prompt "{subject} is a". δ is added at each prompt's
 * subject-last position; the loss is the mean target NLL + kl_factor·KL(current ‖ initial) of the KL
 * prompt's next-token distribution at its subject position + v_weight_decay·‖δ‖/‖z_init‖². Adam
 * (torch defaults) on δ; after each step ‖δ‖ is clamped to clamp_norm_factor·‖z_init‖; the loop stops
 * when the loss is under 5e-2 or after v_num_grad_steps forward passes (the last one takes no step).
 * The gradients come from the target graph (graph/models/locate.ts) run by the model's runtime.
 */
import { adamStep } from '../../util/adam';
import { frobeniusNorm as norm } from '../../linalg/frobenius';
import type { ModelRuntime } from '../../runtime/runtime';
import type { TextTokenizer } from '../../types';
import { fill, subjectLastIndex } from './prompts';
import { rowsBatch, type TokenRow } from '../../run/batching';
import type { LocateSettings } from './settings';

export interface EditRequest {
  /** EditRecord.index, for messages. */
  index: number;
  /** The prompt with "{}" for the subject. */
  template: string;
  subject: string;
  answer: string;
}

export interface TargetVector {
  /** z* = z_init + δ, [H]. */
  target: Float64Array;
  initNorm: number;
  deltaNorm: number;
  /** Forward passes run and the last loss. */
  passes: number;
  loss: number;
}

const STOP_LOSS = 5e-2;

/** The reference's target ids: tok(" " + answer) (a space is prepended when missing), no special tokens. */
export function targetIds(tok: TextTokenizer, answer: string): number[] {
  return tok.encode(answer.startsWith(' ') ? answer : ' ' + answer, false);
}

export async function computeTarget(
  runtime: ModelRuntime,
  tok: TextTokenizer,
  req: EditRequest,
  templates: readonly (readonly string[])[],
  layer: number,
  s: LocateSettings,
): Promise<TargetVector> {
  const H = runtime.spec.hidden;
  const V = runtime.spec.vocabSize;
  const target = targetIds(tok, req.answer);
  const suffix = tok.decode(target.slice(0, -1));
  const rewriting = templates.flat().map((ctx) => fill(ctx, req.template) + suffix);
  const prompts = [...rewriting, '{} is a'];
  const rows: TokenRow[] = prompts.map((p, i) => {
    const ids = tok.encode(fill(p, req.subject), true);
    if (i >= rewriting.length) return { ids };
    const labels = new Array<number>(ids.length).fill(-100);
    // rewriting_targets[i, ex_len − |t| : ex_len] = target: logits there are scored against it.
    target.forEach((t, j) => (labels[ids.length - target.length + j] = t));
    return { ids, labels };
  });
  const sb = rowsBatch(
    rows,
    rows.map(() => req.index),
  );
  const lookup = Int32Array.from(prompts, (p, b) => b * sb.seqLen + subjectLastIndex(tok, p, req.subject));

  const delta = new Float64Array(H);
  const m = new Float64Array(H);
  const v = new Float64Array(H);
  let klInit: Float32Array | null = null;
  let zInit: Float64Array | null = null;
  let loss = NaN;
  let passes = 0;
  for (let it = 0; it < s.steps; it++) {
    const r = await runtime.target({ sb, lookup, layer, kl: 1, delta: Float32Array.from(delta), klInit: klInit ?? new Float32Array(V) });
    passes++;
    // The first pass records z_init (row 0: the bare prompt) and the KL reference; KL is 0 there.
    zInit ??= Float64Array.from(r.z.subarray(0, H));
    const first = klInit === null;
    klInit ??= r.klLogprobs;
    const initNorm = norm(zInit);
    const dNorm = norm(delta);
    const kl = first ? 0 : r.kl;
    loss = r.nll + s.klFactor * kl + (s.weightDecay * dNorm) / initNorm ** 2;
    if (!Number.isFinite(loss)) throw new Error(`record ${req.index}: the target optimization's loss is ${loss} at step ${it}`);
    if (loss < STOP_LOSS || it === s.steps - 1) break;
    const t = it + 1;
    const grad = new Float64Array(H);
    // ∂‖δ‖/∂δ = δ/‖δ‖, taken as 0 at δ = 0 (torch's norm backward).
    for (let i = 0; i < H; i++)
      grad[i] =
        r.gradNll[i] + (first ? 0 : s.klFactor * r.gradKl[i]) + (dNorm > 0 ? (s.weightDecay * delta[i]) / (dNorm * initNorm ** 2) : 0);
    adamStep(delta, grad, m, v, t, s.lr);
    const maxNorm = s.clampNorm * initNorm;
    const after = norm(delta);
    if (after > maxNorm) for (let i = 0; i < H; i++) delta[i] *= maxNorm / after;
  }
  const out = new Float64Array(H);
  for (let i = 0; i < H; i++) out[i] = zInit![i] + delta[i];
  return { target: out, initNorm: norm(zInit!), deltaNorm: norm(delta), passes, loss };
}
