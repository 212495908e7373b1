/**
 * The graphs a hypernetwork editor's meta-training needs (docs/design.md §8): the gradient of a
 * loss at the label positions with respect to the edited modules' weights, on the weights as they
 * stand (the edited model) — what the reference reads from `module.weight.grad` after its backward.
 *
 * - `ce`: the capture graph's loss (mean cross-entropy over the label positions, util.cross_entropy);
 * - `kl`: the reference's util.kl_div on the label positions, KL(p_ref ‖ p) summed over the
 *   vocabulary and divided by the real rows (F.kl_div(log p, log p_ref, log_target, batchmean)),
 *   p_ref given as input `ref_logprobs` [N, V] (from a `logprobs` graph on the weights before the shift);
 * - `logprobs`: log-softmax of the logits at the label positions [N, V], forward only.
 *
 * Padded label positions (−1) are ignored rows in every loss; their logprob rows are to be dropped.
 */
import type { EditableModule, ModelSpec } from '../../model/spec';
import { GraphBuilder } from '../builder';
import { labelInputs, labelLoss, WeightInputs, type CaptureShape, type ModelGraph } from './transformer';

export type MetaGraphKind = 'ce' | 'kl' | 'logprobs';

/**
 * inputs input_ids, attention_mask, labels int32 [B, T], label_positions int32 [N] (+ `ref_logprobs`
 * [N, V] for kl) + weights → `logprobs` [N, V]; for ce and kl also `loss` [1] and, per module,
 * `<module>.weight_grad` in the weight's own layout.
 */
export function buildMetaGraph(spec: ModelSpec, shape: CaptureShape, kind: MetaGraphKind, edited: readonly EditableModule[]): ModelGraph {
  const g = new GraphBuilder();
  const W = new WeightInputs(g, spec, shape);
  const inputs = labelInputs(g, shape);
  const ref = kind === 'kl' ? g.input('ref_logprobs', 'float32', [shape.labels, spec.vocabSize]) : null;
  const { real, logits, loss: ce } = labelLoss(g, spec, W, inputs);
  const lp = g.logSoftmax(logits, -1);
  g.output('logprobs', lp);
  if (kind === 'logprobs') return { g, weightNames: W.names() };
  let loss = ce;
  if (ref) {
    const weight = g.cast(real, 'float32');
    const perRow = g.reduceSum(g.mul(g.exp(ref), g.sub(ref, lp)), [1]);
    const count = g.reduceSum(weight, [0]);
    const atLeastOne = g.where(g.greater(count, g.scalar(0)), count, g.scalar(1));
    loss = g.div(g.reduceSum(g.mul(perRow, weight), [0]), atLeastOne);
  }
  g.output('loss', g.reshape(loss, [1]));
  const weights = edited.map((m) => W.get(m.weight));
  g.grad(g.reshape(loss, [1]), weights).forEach((gw, i) => g.output(`${edited[i].name}.weight_grad`, gw));
  return { g, weightNames: W.names() };
}
