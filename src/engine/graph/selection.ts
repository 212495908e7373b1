/**
 * Log-softmax, arg-max and top-k as compositions of primitives onnxruntime-web's WebGPU EP runs.
 * Its LogSoftmax kernel is missing and ArgMax/TopK yield int64, which it will not cast to int32; with
 * CPU fallback disabled either would fail the session (e2e/runtime-webgpu.spec.ts checks all ops).
 *
 * Indices are found in float32 (exact below 2^24, far above any vocabulary) and cast to int32 once.
 * First index wins ties, like ONNX ArgMax (select_last_index = 0) and our old TopK.
 */
import type { Value } from './ir';
import { normAxis } from './tensor';
import type { GraphBuilder } from './builder';

/** log softmax = x − m − log Σ exp(x − m), m = max (no gradient: the result does not depend on m). */
export function logSoftmax(g: GraphBuilder, x: Value, axis = -1): Value {
  const ax = normAxis(axis, x.shape.length);
  const shifted = g.sub(x, g.stopGradient(g.reduceMax(x, [ax], true)));
  return g.sub(shifted, g.log(g.reduceSum(g.exp(shifted), [ax], true)));
}

/** 0, 1, …, n−1 laid along `axis` of a rank-r tensor (size 1 elsewhere), float32. */
function iota(g: GraphBuilder, n: number, axis: number, rank: number): Value {
  const shape = Array.from({ length: rank }, (_, i) => (i === axis ? n : 1));
  return g.constant(
    shape,
    Array.from({ length: n }, (_, i) => i),
  );
}

/** Float index of the first element equal to `m` (keepdims form) along `axis`: −max(−i where x = m). */
function firstIndexOf(g: GraphBuilder, x: Value, m: Value, idx: Value, axis: number): Value {
  const n = x.shape[axis];
  return g.neg(g.reduceMax(g.where(g.equal(x, m), g.neg(idx), g.scalar(-n)), [axis], true));
}

/** First index of the maximum along `axis`, int32. */
export function argMax(g: GraphBuilder, x: Value, axis = -1, keepdims = false): Value {
  const ax = normAxis(axis, x.shape.length);
  const idx = iota(g, x.shape[ax], ax, x.shape.length);
  const first = firstIndexOf(g, x, g.reduceMax(x, [ax], true), idx, ax);
  const out = g.cast(first, 'int32');
  return keepdims
    ? out
    : g.reshape(
        out,
        x.shape.filter((_, i) => i !== ax),
      );
}

/**
 * The k largest along the last axis, descending, and their int32 indices: k rounds of "take the
 * maximum, mask its first occurrence with −∞". Meant for small k (the probe box).
 */
export function topK(g: GraphBuilder, x: Value, k: number): [Value, Value] {
  const ax = x.shape.length - 1;
  if (!(Number.isInteger(k) && k >= 1 && k <= x.shape[ax])) throw new Error(`topK: k=${k} out of range for [${x.shape}]`);
  const idx = iota(g, x.shape[ax], ax, x.shape.length);
  const vals: Value[] = [];
  const idxs: Value[] = [];
  let rest = x;
  for (let j = 0; j < k; j++) {
    const m = g.reduceMax(rest, [ax], true);
    const i = firstIndexOf(g, rest, m, idx, ax);
    vals.push(m);
    idxs.push(i);
    if (j + 1 < k) rest = g.where(g.equal(idx, i), g.scalar(-Infinity), rest);
  }
  return [g.concat(vals, ax), g.cast(g.concat(idxs, ax), 'int32')];
}
