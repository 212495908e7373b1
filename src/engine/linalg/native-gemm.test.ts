/**
 * The float64 GEMM on onnxruntime-node (native-gemm.ts) against its JS twin (matmul.ts's loops):
 * every transpose, the exactly symmetric Gram and Σ^{-1/2} built on it (with the eigh's divide and
 * conquer, which a GEMM switches on), and a whole StableEdit turn
 * whose large products it takes — each within float64 rounding of the JS result (the sums run in
 * another order, so agreement is to ≤ 1e-13 relative, not bit for bit), and at 1 and 2 threads the
 * same bits. Shapes above GEMM_MIN_WORK so the provider is really used (counted). ~2 s.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createEditor } from '../editors/registry';
import { SyntheticStream } from '../editors/synthetic-stream';
import { Rng } from '../util/rng';
import { GEMM_MIN_WORK, installF64Gemm, type F64Gemm } from './gemm';
import { inverseSqrtEigh } from './inverse-sqrt';
import { matmul, matmulRows, type MatmulShape } from './matmul';
import { startNativeGemm } from './native-gemm';
import { SERIAL_POOL } from './parallel/pool';
import { ridgeSolveDual } from './ridge';
import { gram, gramRows, scatterUpdate } from './syrk';
import { relativeError, spdWithCondition } from './test-matrices';

function native(threads: number): F64Gemm {
  const g = startNativeGemm(threads);
  if ('error' in g) throw new Error(g.error);
  return g;
}

/** The provider, counting its calls (a product that silently stayed in JS would pass the comparisons). */
function counting(g: F64Gemm): F64Gemm & { calls: number } {
  const c = {
    label: g.label,
    calls: 0,
    close: () => g.close(),
    gemm: (a: Float64Array, b: Float64Array, s: MatmulShape) => (c.calls++, g.gemm(a, b, s)),
  };
  return c;
}

const js = (a: Float64Array, b: Float64Array, s: MatmulShape) => {
  const c = new Float64Array(s.m * s.n);
  matmulRows(a, b, s, c, 0, 1);
  return c;
};

afterEach(() => installF64Gemm(null));

describe('float64 GEMM on onnxruntime-node', () => {
  it('op(A)·op(B) for every transpose equals the JS loops to float64 rounding, and 1 and 2 threads give the same bits', () => {
    const g1 = native(1);
    const g2 = native(2);
    const rng = new Rng(11);
    const [m, k, n] = [67, 130, 93]; // no multiple of a kernel's block: tails everywhere
    for (const transA of [false, true])
      for (const transB of [false, true]) {
        const s = { m, k, n, transA, transB };
        const a = rng.normals(m * k) as Float64Array;
        const b = rng.normals(k * n) as Float64Array;
        const ref = js(a, b, s);
        const one = g1.gemm(a, b, s);
        expect(relativeError(one, ref), `transA ${transA} transB ${transB}`).toBeLessThan(1e-14);
        expect(g2.gemm(a, b, s)).toEqual(one);
      }
    g1.close();
    g2.close();
  });

  it('the dual ridge solve (Gram and Kᵀ·X) and Σ^{-1/2} on the provider agree with the JS twins', () => {
    const rng = new Rng(5);
    const [rows, dIn, dOut] = [96, 512, 160];
    const k = rng.normals(rows * dIn) as Float64Array;
    const v = rng.normals(rows * dOut) as Float64Array;
    const { a } = spdWithCondition(dOut, 1e6, 2, rng);
    const refGram = gramRows(k, rows, dIn);
    const refSolve = ridgeSolveDual(k, v, { rows, dIn, dOut }, 10);
    const refInv = inverseSqrtEigh(a, dOut, 1e-6, SERIAL_POOL).invSqrt;
    const x = rng.normals(30 * 300) as Float64Array; // the statistics' S += α·XᵀX (a sub-batch's centred gradients)
    const refScatter = scatterUpdate(new Float64Array(300 * 300), x, 30, 300, 0.5);
    const g = counting(native(2));
    installF64Gemm(g);
    expect(rows * dIn * rows).toBeGreaterThanOrEqual(GEMM_MIN_WORK);
    const gg = gram(k, rows, dIn);
    expect(g.calls).toBe(1);
    expect(relativeError(gg, refGram)).toBeLessThan(1e-14);
    for (let i = 0; i < rows; i++) for (let j = 0; j < i; j++) expect(gg[i * rows + j]).toBe(gg[j * rows + i]);
    expect(relativeError(ridgeSolveDual(k, v, { rows, dIn, dOut }, 10), refSolve)).toBeLessThan(1e-13);
    expect(g.calls).toBe(3);
    const inv = inverseSqrtEigh(a, dOut, 1e-6, SERIAL_POOL).invSqrt;
    expect(g.calls).toBeGreaterThanOrEqual(5); // the eigh's Zᵀ·P (divide and conquer, tridiagonal-dc.ts) and Uᵀ·diag(s)·U
    // Σ^{-1/2} through divide and conquer and the GEMM: κ 1e6 leaves it ≈ κ·ε-sensitive, measured 4e-13
    expect(relativeError(inv, refInv)).toBeLessThan(1e-11);
    for (let i = 0; i < dOut; i++) for (let j = 0; j < i; j++) expect(inv[i * dOut + j]).toBe(inv[j * dOut + i]);
    const sc = scatterUpdate(new Float64Array(300 * 300), x, 30, 300, 0.5);
    expect(relativeError(sc, refScatter)).toBeLessThan(1e-14);
    for (let i = 0; i < 300; i++) for (let j = 0; j < i; j++) expect(sc[i * 300 + j]).toBe(sc[j * 300 + i]);
    // below the threshold the JS loops run
    const calls = g.calls;
    matmul(k, v, { m: 8, k: 8, n: 8 });
    expect(g.calls).toBe(calls);
  });

  it('a StableEdit turn with its large products on the provider: ΔW within 1e-12 of the JS editor', () => {
    const mods = [
      { module: 'a', dIn: 512, dOut: 160 },
      { module: 'b', dIn: 512, dOut: 160 },
    ];
    const deltas = (gemm: F64Gemm | null) => {
      installF64Gemm(gemm);
      const stream = new SyntheticStream(mods, 3);
      const editor = createEditor('stableedit', { lr: 1e-4, ridge: 10 });
      editor.turn({ subBatches: stream.turn([100, 100]), statisticsOnly: true });
      return editor.turn({ subBatches: stream.turn(Array(8).fill(12)) }).deltas;
    };
    const ref = deltas(null);
    const g = counting(native(2));
    const got = deltas(g);
    expect(g.calls).toBeGreaterThanOrEqual(7); // the eigh's Zᵀ·P, Σ^{-1/2}, then per module ĝ, Gram, Kᵀ·X
    for (const [m, d] of ref) expect(relativeError(got.get(m)!.delta, d.delta), m).toBeLessThan(1e-12);
  });
});
