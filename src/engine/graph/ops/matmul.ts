/**
 * MatMul (numpy semantics, rank ≥ 2, broadcasting batch dims) and Gemm (2-D, optional transB and
 * bias) — Gemm is how [out, in] Linear weights are applied without a per-run transpose.
 */
import type { OpDef, Value } from '../ir';
import { describe } from '../ir';
import { broadcastShapes, sizeOf, stridesOf, type Tensor64 } from '../tensor';
import { evalBroadcast } from './binary';

function matmulShape(a: readonly number[], b: readonly number[]): number[] | null {
  if (a.length < 2 || b.length < 2) return null;
  const [m, k] = a.slice(-2);
  const [k2, n] = b.slice(-2);
  if (k !== k2) return null;
  const batch = broadcastShapes(a.slice(0, -2), b.slice(0, -2));
  return batch && [...batch, m, n];
}

function evalMatmul(a: Tensor64, b: Tensor64): Tensor64 {
  const shape = matmulShape(a.shape, b.shape)!;
  const [m, n] = shape.slice(-2);
  const k = a.shape[a.shape.length - 1];
  const batch = shape.slice(0, -2);
  const nb = sizeOf(batch);
  const data = new Float64Array(sizeOf(shape));
  // batch offsets with broadcasting: index each operand's batch dims by the output's
  const offs = (s: readonly number[], mat: number) => {
    const bs = s.slice(0, -2);
    const st = stridesOf(bs);
    const off = batch.length - bs.length;
    const res = new Int32Array(nb);
    const bst = stridesOf(batch);
    for (let i = 0; i < nb; i++) {
      let o = 0;
      for (let d = 0; d < bs.length; d++) {
        const p = Math.floor(i / bst[d + off]) % batch[d + off];
        o += bs[d] === 1 ? 0 : p * st[d];
      }
      res[i] = o * mat;
    }
    return res;
  };
  const oa = offs(a.shape, m * k);
  const ob = offs(b.shape, k * n);
  for (let t = 0; t < nb; t++) {
    const A = oa[t],
      B = ob[t],
      C = t * m * n;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a.data[A + i * k + p] * b.data[B + p * n + j];
        data[C + i * n + j] = s;
      }
  }
  return { shape, data };
}

export const MatMul: OpDef = {
  type: 'MatMul',
  infer: ([a, b]) => {
    if (a.dtype !== 'float32' || b.dtype !== 'float32') throw new Error(`MatMul needs float32 (${describe(a)}, ${describe(b)})`);
    const shape = matmulShape(a.shape, b.shape);
    if (!shape) throw new Error(`MatMul: shapes do not match (${describe(a)} @ ${describe(b)})`);
    return [{ shape, dtype: 'float32' }];
  },
  evaluate: ([a, b]) => [evalMatmul(a, b)],
  emit: (e, n) => e.node('MatMul', n.inputs.map(e.name), [e.name(n.outputs[0])]),
  vjp: (g, n, [gy], needs) => {
    if (!gy) return [null, null];
    const [a, b] = n.inputs;
    const T = (v: Value) => g.transposeLast2(v);
    let ga: Value | null = null;
    let gb: Value | null = null;
    if (needs[0]) ga = g.sumTo(g.matmul(gy, T(b)), a.shape);
    if (needs[1]) {
      if (b.shape.length === 2) {
        // a weight shared over the batch: one [K, M·batch] @ [M·batch, N] product instead of a batched one
        const k = a.shape[a.shape.length - 1];
        const nOut = gy.shape[gy.shape.length - 1];
        gb = g.gemm(g.reshape(a, [-1, k]), g.reshape(gy, [-1, nOut]), null, { transA: true });
      } else gb = g.sumTo(g.matmul(T(a), gy), b.shape);
    }
    return [ga, gb];
  },
};

/** Y = op(A) · op(B) + C, op = transpose where asked; C broadcasts to [M, N]. */
export const Gemm: OpDef = {
  type: 'Gemm',
  infer: ([a, b, c], at) => {
    if (a.shape.length !== 2 || b.shape.length !== 2) throw new Error(`Gemm needs 2-D operands (${describe(a)}, ${describe(b)})`);
    const [m, k] = at.transA ? [a.shape[1], a.shape[0]] : a.shape;
    const [k2, nn] = at.transB ? [b.shape[1], b.shape[0]] : b.shape;
    if (k !== k2)
      throw new Error(`Gemm: inner dims differ (${describe(a)}${at.transA ? 'ᵀ' : ''} @ ${describe(b)}${at.transB ? 'ᵀ' : ''})`);
    if (c && !broadcastShapes(c.shape, [m, nn])) throw new Error(`Gemm: bias ${describe(c)} does not broadcast to [${m},${nn}]`);
    return [{ shape: [m, nn], dtype: 'float32' }];
  },
  evaluate: ([a, b, c], at) => {
    const tr = (t: Tensor64) => {
      const [r, q] = t.shape;
      const d = new Float64Array(r * q);
      for (let i = 0; i < r; i++) for (let j = 0; j < q; j++) d[j * r + i] = t.data[i * q + j];
      return { shape: [q, r], data: d };
    };
    const y = evalMatmul(at.transA ? tr(a) : a, at.transB ? tr(b) : b);
    return [c ? evalBroadcast(y, c, (u, v) => u + v) : y];
  },
  emit: (e, n) =>
    e.node('Gemm', n.inputs.map(e.name), [e.name(n.outputs[0])], {
      transA: n.attrs.transA ? 1 : 0,
      transB: n.attrs.transB ? 1 : 0,
    }),
  vjp: (g, n, [gy], needs) => {
    if (!gy) return [null, null, null];
    const [a, b, c] = n.inputs;
    const tA = !!n.attrs.transA,
      tB = !!n.attrs.transB;
    // Y = op(A)op(B): dop(A) = G op(B)ᵀ, dop(B) = op(A)ᵀ G; transpose back where op transposed
    let ga: Value | null = null,
      gb: Value | null = null;
    if (needs[0]) ga = tA ? g.gemm(b, gy, null, { transA: tB, transB: true }) : g.gemm(gy, b, null, { transB: !tB });
    if (needs[1]) gb = tB ? g.gemm(gy, a, null, { transA: true, transB: tA }) : g.gemm(a, gy, null, { transA: !tA });
    return [ga, gb, needs[2] && c ? g.sumTo(gy, c.shape) : null];
  },
};
