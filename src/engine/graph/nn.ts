/**
 * Transformer building blocks as composites of primitives (their VJPs come from the primitives).
 * Shapes: activations [..., D]; attention tensors [B, H, T, dh].
 */
import type { Value } from './ir';
import { describe } from './ir';
import type { GraphBuilder } from './builder';

/** x·Wᵀ + b for torch Linear weights [out, in] (`linear`), x·W + b for GPT-2 Conv1D [in, out]. */
export function linear(g: GraphBuilder, x: Value, w: Value, b: Value | null, layout: 'linear' | 'conv1d'): Value {
  const dIn = x.shape[x.shape.length - 1];
  const dOut = layout === 'linear' ? w.shape[0] : w.shape[1];
  if ((layout === 'linear' ? w.shape[1] : w.shape[0]) !== dIn)
    throw new Error(`linear: ${describe(w)} (${layout}) does not take ${describe(x)}`);
  const y = g.gemm(g.reshape(x, [-1, dIn]), w, b, { transB: layout === 'linear' });
  return g.reshape(y, [...x.shape.slice(0, -1), dOut]);
}

/** (x − mean) / √(var + eps) · w + b over the last axis (biased variance, like torch). */
export function layerNorm(g: GraphBuilder, x: Value, w: Value, b: Value, eps: number): Value {
  const ax = [x.shape.length - 1];
  const xc = g.sub(x, g.reduceMean(x, ax, true));
  const inv = g.reciprocal(g.sqrt(g.add(g.reduceMean(g.mul(xc, xc), ax, true), g.scalar(eps))));
  return g.add(g.mul(g.mul(xc, inv), w), b);
}

/** x / √(mean(x²) + eps) · w over the last axis. */
export function rmsNorm(g: GraphBuilder, x: Value, w: Value, eps: number): Value {
  const ms = g.reduceMean(g.mul(x, x), [x.shape.length - 1], true);
  return g.mul(g.mul(x, g.reciprocal(g.sqrt(g.add(ms, g.scalar(eps))))), w);
}

/** ½x(1 + tanh(√(2/π)(x + 0.044715x³))), GPT-2's gelu_new. */
export function geluTanh(g: GraphBuilder, x: Value): Value {
  const inner = g.mul(g.add(x, g.mul(g.scalar(0.044715), g.mul(x, g.mul(x, x)))), g.scalar(Math.sqrt(2 / Math.PI)));
  return g.mul(g.mul(x, g.scalar(0.5)), g.add(g.scalar(1), g.tanh(inner)));
}

export function silu(g: GraphBuilder, x: Value): Value {
  return g.mul(x, g.sigmoid(x));
}

/**
 * Rotary embedding, HF rotate_half convention: x·cos + [−x₂, x₁]·sin; cos/sin broadcast to x. With
 * `interleaved`, GPT-J's rotate_every_two: pairs (2i, 2i+1) → (−x_{2i+1}, x_{2i}) (cos/sin then hold
 * each angle twice, side by side). When cos/sin are narrower than x, only x's leading dims rotate
 * and the rest pass through (GPT-J's rotary_dim, Phi-3's partial_rotary_factor).
 */
export function rope(g: GraphBuilder, x: Value, cos: Value, sin: Value, interleaved = false): Value {
  const last = x.shape.length - 1;
  const d = x.shape[last];
  const rd = cos.shape[cos.shape.length - 1];
  if (rd < d) {
    const rot = rope(g, g.slice(x, [0], [rd], [last]), cos, sin, interleaved);
    return g.concat([rot, g.slice(x, [rd], [d], [last])], last);
  }
  let turned: Value;
  if (interleaved) {
    const pairs = g.reshape(x, [...x.shape.slice(0, last), d / 2, 2]);
    const x1 = g.slice(pairs, [0], [1], [last + 1]);
    const x2 = g.slice(pairs, [1], [2], [last + 1]);
    turned = g.reshape(g.concat([g.neg(x2), x1], last + 1), [...x.shape]);
  } else {
    const x1 = g.slice(x, [0], [d / 2], [last]);
    const x2 = g.slice(x, [d / 2], [d], [last]);
    turned = g.concat([g.neg(x2), x1], last);
  }
  return g.add(g.mul(x, cos), g.mul(turned, sin));
}

/**
 * Which keys each query may attend to, bool [B, 1, T, T] from an int attention mask [B, T]
 * (1 = token): key j ≤ query i and j is a token.
 */
export function causalPaddingMask(g: GraphBuilder, attentionMask: Value, window: number | null = null): Value {
  const [B, T] = attentionMask.shape;
  // Query i (row), key j (column): j ≤ i, and within a sliding window i − j < w.
  const seen = (i: number, j: number) => j <= i && (window === null || i - j < window);
  const tri = Array.from({ length: T * T }, (_, k) => (seen(Math.floor(k / T), k % T) ? 1 : 0));
  const causal = g.constant([T, T], tri, 'bool');
  const keyIsToken = g.reshape(g.equal(attentionMask, g.scalar(1, attentionMask.dtype)), [B, 1, 1, T]);
  return g.and(causal, keyIsToken);
}

/**
 * softmax(q·kᵀ/√dh masked)·v with grouped-query heads (k, v have H/rep heads, each serving rep q
 * heads). Masked scores are *replaced* by −1e9, not offset, and masked probabilities zeroed, so a
 * query with no visible key (a padding row) outputs 0 and passes no gradient (the reference forward's
 * convention); elsewhere exp(−1e9 − max) is already exactly 0 and the second mask changes nothing.
 */
export function attention(
  g: GraphBuilder,
  q: Value,
  k: Value,
  v: Value,
  allowed: Value,
  /** The factor on q·k (default 1/√dh) and Gemma 2's soft cap (scores → cap·tanh(scores/cap)). */
  o: { scale?: number; softcap?: number | null } = {},
): Value {
  const [B, H, T, dh] = q.shape;
  const hkv = k.shape[1];
  if (H % hkv !== 0) throw new Error(`attention: ${H} query heads not divisible by ${hkv} kv heads`);
  const repeat = (x: Value) => {
    if (hkv === H) return x;
    const e = g.expand(g.reshape(x, [B, hkv, 1, T, dh]), [B, hkv, H / hkv, T, dh]);
    return g.reshape(e, [B, H, T, dh]);
  };
  let raw = g.mul(g.matmul(q, g.transposeLast2(repeat(k))), g.scalar(o.scale ?? 1 / Math.sqrt(dh)));
  if (o.softcap != null) raw = softcap(g, raw, o.softcap);
  const scores = g.where(allowed, raw, g.scalar(-1e9));
  const probs = g.where(allowed, g.softmax(scores, -1), g.scalar(0));
  return g.matmul(probs, repeat(v));
}

/** Gemma's soft-capping: cap·tanh(x / cap). */
export function softcap(g: GraphBuilder, x: Value, cap: number): Value {
  return g.mul(g.tanh(g.div(x, g.scalar(cap))), g.scalar(cap));
}

/** [B, T, H·dh] → [B, H, T, dh] and back. */
export function splitHeads(g: GraphBuilder, x: Value, heads: number): Value {
  const [B, T, D] = x.shape;
  return g.transpose(g.reshape(x, [B, T, heads, D / heads]), [0, 2, 1, 3]);
}
export function mergeHeads(g: GraphBuilder, x: Value): Value {
  const [B, H, T, dh] = x.shape;
  return g.reshape(g.transpose(x, [0, 2, 1, 3]), [B, T, H * dh]);
}

/** Label value of rows that take no part in the loss (padding), as in torch's CrossEntropyLoss. */
export const IGNORE_INDEX = -100;

/**
 * Mean of −log softmax(logits)[label] over the rows whose label is not IGNORE_INDEX; logits [N, V],
 * labels int [N]. Ignored rows contribute nothing and get zero gradient, so a label count padded to
 * a bucket gives the same loss; with no real row the loss is 0 (Σ over nothing / max(0, 1)).
 */
export function crossEntropy(g: GraphBuilder, logits: Value, labels: Value): Value {
  const [N] = labels.shape;
  const col = g.reshape(labels, [N, 1]);
  const real = g.not(g.equal(col, g.scalar(IGNORE_INDEX, labels.dtype)));
  // an ignored row still needs an in-range index for GatherElements; its value is masked out
  const safe = g.where(real, col, g.scalar(0, labels.dtype));
  const picked = g.gatherElements(g.logSoftmax(logits, -1), safe, 1);
  const weight = g.cast(real, 'float32');
  const count = g.reduceSum(weight, [0, 1]);
  const total = g.reduceSum(g.mul(picked, weight), [0, 1]);
  const atLeastOne = g.where(g.greater(count, g.scalar(0)), count, g.scalar(1));
  return g.neg(g.div(total, atLeastOne));
}
