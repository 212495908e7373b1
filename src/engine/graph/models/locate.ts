/**
 * The graphs of the locate-then-edit editors (MEMIT, AlphaEdit; docs/design.md §7):
 *
 * - lookup: module inputs (keys) and block outputs at given flat positions b·T + t — the subject's
 *   last token for keys and current targets, every token for the corpus second moment.
 * - target: the reference's compute_z objective for one edit. δ [H] is added to the residual stream
 *   leaving block `layer` at each row's lookup position (the subject-position scatter); outputs the
 *   NLL of the target tokens (mean over label positions, as crossEntropy), the KL of the last `kl`
 *   rows' next-token distributions at their lookup positions against `kl_init`, each one's gradient
 *   with respect to δ, those log-probabilities, and the shifted block output at every lookup
 *   position (the subject-position gather).
 */
import type { EditableModule, ModelSpec } from '../../model/spec';
import { GraphBuilder } from '../builder';
import type { Value } from '../ir';
import { crossEntropy, IGNORE_INDEX } from '../nn';
import { decoderForward, lmHead, WeightInputs, type GraphShape, type ModelGraph } from './transformer';

export interface LookupShape extends GraphShape {
  /** M: flat positions to read. */
  positions: number;
}

/** inputs input_ids, attention_mask [B, T], positions int32 [M] → `<module>.keys` [M, dIn], `block<l>` [M, H]. */
export function buildLookupGraph(
  spec: ModelSpec,
  shape: LookupShape,
  modules: readonly EditableModule[],
  layers: readonly number[],
): ModelGraph {
  const { batch: B, seqLen: T } = shape;
  const g = new GraphBuilder();
  const ids = g.input('input_ids', 'int32', [B, T]);
  const mask = g.input('attention_mask', 'int32', [B, T]);
  const positions = g.input('positions', 'int32', [shape.positions]);
  const W = new WeightInputs(g, spec, shape);
  const body = decoderForward(g, spec, W, { ids }, mask);
  const rows = (x: Value) => g.gather(g.reshape(x, [B * T, x.shape[2]]), positions);
  for (const m of modules) {
    const t = body.modules.get(m.name);
    if (!t) throw new Error(`lookup graph: '${m.name}' is not an editable module of this ${spec.arch} model`);
    g.output(`${m.name}.keys`, rows(t.input));
  }
  for (const l of layers) {
    const out = body.blockOutputs.get(l);
    if (!out) throw new Error(`lookup graph: no block ${l} in a ${spec.layers}-layer model`);
    g.output(`block${l}`, rows(out));
  }
  return { g, weightNames: W.names() };
}

export interface TargetShape extends GraphShape {
  /** N: label positions (−1 = padding, an ignored row). */
  labels: number;
  /** Block whose output δ shifts. */
  layer: number;
  /** K: the last K rows are the KL prompts. */
  kl: number;
}

/**
 * inputs input_ids, attention_mask, labels int32 [B, T], label_positions int32 [N], lookup_positions
 * int32 [B] (flat), delta [H], kl_init [K, V] → `nll` [1], `kl` [1], `grad_nll` [H], `grad_kl` [H],
 * `kl_logprobs` [K, V], `z` [B, H].
 */
export function buildTargetGraph(spec: ModelSpec, shape: TargetShape): ModelGraph {
  const { batch: B, seqLen: T, kl: K } = shape;
  const H = spec.hidden;
  const V = spec.vocabSize;
  if (!(K >= 1 && K < B)) throw new Error(`target graph: ${K} KL rows in a batch of ${B}`);
  const g = new GraphBuilder();
  const ids = g.input('input_ids', 'int32', [B, T]);
  const mask = g.input('attention_mask', 'int32', [B, T]);
  const labels = g.input('labels', 'int32', [B, T]);
  const positions = g.input('label_positions', 'int32', [shape.labels]);
  const lookup = g.input('lookup_positions', 'int32', [B]);
  const delta = g.input('delta', 'float32', [H]);
  const klInit = g.input('kl_init', 'float32', [K, V]);
  const W = new WeightInputs(g, spec, shape);

  // One-hot of each row's lookup position over the flat B·T rows, times δ: the subject-position scatter.
  const flatIndex = g.constant(
    [1, B * T],
    Array.from({ length: B * T }, (_, i) => i),
    'int32',
  );
  const hit = g.cast(g.equal(g.reshape(lookup, [B, 1]), flatIndex), 'float32');
  const onehot = g.reshape(g.reduceSum(hit, [0]), [B, T, 1]);
  const shift = g.mul(onehot, g.reshape(delta, [1, 1, H]));
  const body = decoderForward(g, spec, W, { ids }, mask, { layer: shape.layer, value: shift });

  const flat = (x: Value) => g.reshape(x, [B * T, x.shape[2]]);
  const head = (rows: Value) => lmHead(g, spec, W, rows, { whole: true });
  const real = g.greater(positions, g.scalar(-1, 'int32'));
  const safe = g.where(real, positions, g.scalar(0, 'int32'));
  const labelAt = g.where(real, g.gather(g.reshape(labels, [B * T]), safe), g.scalar(IGNORE_INDEX, 'int32'));
  const nll = crossEntropy(g, head(g.gather(flat(body.hidden), safe)), labelAt);

  const klRows = g.slice(lookup, [B - K], [B], [0]);
  const lp = g.logSoftmax(head(g.gather(flat(body.hidden), klRows)), -1);
  // F.kl_div(init, current, log_target=True, reduction="batchmean") = Σ p·(log p − log p_init) / K.
  const kl = g.div(g.reduceSum(g.mul(g.exp(lp), g.sub(lp, klInit)), [0, 1]), g.scalar(K));

  g.output('nll', g.reshape(nll, [1]));
  g.output('kl', g.reshape(kl, [1]));
  const [gradNll] = g.grad(nll, [delta]);
  const [gradKl] = g.grad(kl, [delta]);
  g.output('grad_nll', gradNll);
  g.output('grad_kl', gradKl);
  g.output('kl_logprobs', lp);
  g.output('z', g.gather(flat(body.blockOutputs.get(shape.layer)!), lookup));
  return { g, weightNames: W.names() };
}
