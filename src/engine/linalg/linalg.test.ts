import { describe, expect, it } from 'vitest';
import { matmul } from './matmul';
import { columnMoments } from './moments';
import { Rng } from '../util/rng';

describe('matmul twin', () => {
  it('matches the definition for every transpose variant', () => {
    const rng = new Rng(1);
    const m = 5,
      k = 7,
      n = 3;
    const A = rng.normals(m * k) as Float64Array;
    const B = rng.normals(k * n) as Float64Array;
    const ref = (i: number, j: number) => {
      let s = 0;
      for (let p = 0; p < k; p++) s += A[i * k + p] * B[p * n + j];
      return s;
    };
    const At = new Float64Array(k * m);
    for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) At[p * m + i] = A[i * k + p];
    const Bt = new Float64Array(n * k);
    for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) Bt[j * k + p] = B[p * n + j];
    for (const [a, b, tA, tB] of [
      [A, B, false, false],
      [At, B, true, false],
      [A, Bt, false, true],
      [At, Bt, true, true],
    ] as const) {
      const C = matmul(a, b, { m, k, n, transA: tA, transB: tB });
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) expect(C[i * n + j]).toBeCloseTo(ref(i, j), 12);
    }
  });
});

describe('column moments twin', () => {
  it('agrees with the textbook mean and sum of squared deviations, even far from zero', () => {
    const x = new Float64Array([1e8 + 1, 2, 1e8 + 3, 4, 1e8 + 5, 9]);
    const m = columnMoments(x, 3, 2);
    expect(m.count).toBe(3);
    expect(m.mean[0]).toBe(1e8 + 3);
    expect(m.mean[1]).toBe(5);
    expect(m.m2[0]).toBe(8);
    expect(m.m2[1]).toBe(26);
  });
});
