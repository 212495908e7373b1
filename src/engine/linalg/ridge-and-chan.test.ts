import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng';
import { advanceCount, chanMergeBlock, emptyRunningMoments } from './chan';
import { matmul } from './matmul';
import { columnMoments } from './moments';
import { ridgeSolve, ridgeSolveDual, ridgeSolvePrimal } from './ridge';
import { relativeError } from './test-matrices';

describe('ridge solve', () => {
  it('dual Kᵀ(KKᵀ+λI)⁻¹V equals primal (KᵀK+λI)⁻¹KᵀV to 1e-8 relative, N < dIn and N > dIn', () => {
    const rng = new Rng(21);
    for (const [rows, dIn, dOut, lambda] of [
      [13, 37, 5, 1],
      [50, 19, 7, 10],
      [30, 30, 3, 1e-3],
    ] as const) {
      const k = rng.normals(rows * dIn) as Float64Array;
      const v = rng.normals(rows * dOut) as Float64Array;
      const s = { rows, dIn, dOut };
      const dual = ridgeSolveDual(k, v, s, lambda);
      const primal = ridgeSolvePrimal(k, v, s, lambda);
      expect(relativeError(dual, primal)).toBeLessThan(1e-8);
      // And it is the ridge minimiser: (KᵀK + λI)ΔW = KᵀV.
      const lhs = matmul(matmul(k, k, { m: dIn, k: rows, n: dIn, transA: true }), primal, { m: dIn, k: dIn, n: dOut });
      for (let i = 0; i < dIn * dOut; i++) lhs[i] += lambda * primal[i];
      expect(relativeError(lhs, matmul(k, v, { m: dIn, k: rows, n: dOut, transA: true }))).toBeLessThan(1e-10);
    }
  });
  it('dual == primal on keys with a large common offset (ill-conditioned KKᵀ, λ small vs ‖KKᵀ‖)', () => {
    const rng = new Rng(22);
    const rows = 20,
      dIn = 60,
      dOut = 4;
    const k = (rng.normals(rows * dIn) as Float64Array).map((x) => 30 + x);
    const v = rng.normals(rows * dOut) as Float64Array;
    expect(relativeError(ridgeSolveDual(k, v, { rows, dIn, dOut }, 1), ridgeSolvePrimal(k, v, { rows, dIn, dOut }, 1))).toBeLessThan(1e-8);
  });
  it('zero rows give ΔW = 0', () => {
    expect(Array.from(ridgeSolve(new Float64Array(0), new Float64Array(0), { rows: 0, dIn: 2, dOut: 2 }, 1))).toEqual([0, 0, 0, 0]);
  });
});

describe('Chan merge', () => {
  it('exact (biased) merge of uneven batches equals the moments of the concatenated data', () => {
    const rng = new Rng(31);
    const d = 6;
    const sizes = [1, 4, 9, 2, 17];
    const all: number[] = [];
    const st = emptyRunningMoments(d);
    for (const b of sizes) {
      const x = Array.from(rng.normals(b * d)).map((v, i) => 1e3 * (i % d) + v);
      all.push(...x);
      chanMergeBlock(st, columnMoments(x, b, d), 0, 'biased');
      advanceCount(st, b);
    }
    const ref = columnMoments(all, all.length / d, d);
    expect(st.n).toBe(33);
    for (let j = 0; j < d; j++) {
      expect(Math.abs(st.mean[j] - ref.mean[j])).toBeLessThan(1e-12 * (1 + Math.abs(ref.mean[j])));
      expect(Math.abs(st.m2[j] - ref.m2[j]) / ref.m2[j]).toBeLessThan(1e-12);
    }
  });
  it('the unbiased-batch quirk adds B/(B−1)·M2_batch instead of M2_batch and refuses B = 1', () => {
    const st = emptyRunningMoments(1);
    chanMergeBlock(st, columnMoments([1, 3], 2, 1), 0, 'unbiased-batch');
    advanceCount(st, 2);
    expect(st.m2[0]).toBe(4); // exact would be 2
    expect(() => chanMergeBlock(st, columnMoments([5], 1, 1), 0, 'unbiased-batch')).toThrow(/at least 2/);
  });
});
