import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng';
import { symmetricEigen } from './eigh';
import { inverseSqrtFromEigen } from './inverse-sqrt';
import { matmul } from './matmul';
import { relativeError, spdWithCondition } from './test-matrices';

function randomSymmetric(d: number, rng: Rng): Float64Array {
  const a = rng.normals(d * d) as Float64Array;
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) a[i * d + j] = a[j * d + i];
  return a;
}

/**
 * An independent float64 reference: cyclic Jacobi (rotations zero a_pq one at a time until the
 * off-diagonal mass vanishes). Slow, O(n³) per sweep, but it shares no step with tred2/tql2.
 */
function jacobiEigenvalues(a: Float64Array, n: number): number[] {
  const b = a.slice();
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += b[p * n + q] ** 2;
    if (off < 1e-60) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = b[p * n + q];
        if (apq === 0) continue;
        const theta = (b[q * n + q] - b[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const bkp = b[k * n + p];
          const bkq = b[k * n + q];
          b[k * n + p] = c * bkp - s * bkq;
          b[k * n + q] = s * bkp + c * bkq;
        }
        for (let k = 0; k < n; k++) {
          const bpk = b[p * n + k];
          const bqk = b[q * n + k];
          b[p * n + k] = c * bpk - s * bqk;
          b[q * n + k] = s * bpk + c * bqk;
        }
      }
  }
  return Array.from({ length: n }, (_, i) => b[i * n + i]).sort((x, y) => x - y);
}

/** max |U Uᵀ − I| and ‖A − UᵀΛU‖_F / ‖A‖_F. */
function decompositionErrors(a: Float64Array, n: number) {
  const { values, vectors } = symmetricEigen(a, n);
  const uut = matmul(vectors, vectors, { m: n, k: n, n, transB: true });
  let orth = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) orth = Math.max(orth, Math.abs(uut[i * n + j] - (i === j ? 1 : 0)));
  const scaled = new Float64Array(n * n);
  for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) scaled[k * n + j] = values[k] * vectors[k * n + j];
  const rec = matmul(vectors, scaled, { m: n, k: n, n, transA: true });
  return { values, orth, rec: relativeError(rec, a) };
}

describe('symmetricEigen (row-oriented tred2, strip-applied tql2)', () => {
  it('is an orthonormal decomposition at sizes that exercise the 2-row, 4-row and 4-column tails', () => {
    const rng = new Rng(21);
    for (const n of [3, 4, 5, 6, 130, 131]) {
      const { values, orth, rec } = decompositionErrors(randomSymmetric(n, rng), n);
      for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
      // Backward-stable Householder + QL: errors ~ n·ε.
      expect(orth).toBeLessThan(1e-13 * Math.max(1, n / 10));
      expect(rec).toBeLessThan(1e-13 * Math.max(1, n / 10));
    }
  });

  it('agrees with an independent cyclic-Jacobi reference on the eigenvalues', () => {
    const rng = new Rng(4);
    for (const n of [17, 48]) {
      const a = randomSymmetric(n, rng);
      const want = jacobiEigenvalues(a, n);
      const got = symmetricEigen(a, n).values;
      const scale = Math.max(...want.map(Math.abs));
      // Both solvers are backward stable: eigenvalue differences ≲ n·ε·‖A‖₂.
      for (let i = 0; i < n; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-14 * n * scale);
    }
  });

  it('handles zero rows (skipped Householder steps) and a tridiagonal that splits into blocks', () => {
    const rng = new Rng(8);
    const n = 11;
    const a = randomSymmetric(n, rng);
    for (const z of [3, n - 1]) for (let k = 0; k < n; k++) a[z * n + k] = a[k * n + z] = 0;
    const zeroed = decompositionErrors(a, n);
    expect(zeroed.orth).toBeLessThan(1e-13);
    expect(zeroed.rec).toBeLessThan(1e-13);
    expect(zeroed.values.filter((v) => v === 0).length).toBeGreaterThanOrEqual(1);

    // Block-diagonal tridiagonal: exact zeros on the subdiagonal make QL deflate sub-blocks l..m.
    const t = new Float64Array(n * n);
    for (let i = 0; i < n; i++) t[i * n + i] = i % 3;
    for (let i = 1; i < n; i++) if (i % 4 !== 0) t[i * n + i - 1] = t[(i - 1) * n + i] = 0.5 + i / 10;
    const split = decompositionErrors(t, n);
    expect(split.orth).toBeLessThan(1e-13);
    expect(split.rec).toBeLessThan(1e-13);
    jacobiEigenvalues(t, n).forEach((v, i) => expect(Math.abs(split.values[i] - v)).toBeLessThan(1e-13 * n));
  });

  it('gives Σ^{-1/2} with X·Σ·X = I at condition 1e6, the whitening it feeds', () => {
    const n = 64;
    const { a } = spdWithCondition(n, 1e6, 2, new Rng(13));
    const x = inverseSqrtFromEigen(symmetricEigen(a, n));
    const xax = matmul(matmul(x, a, { m: n, k: n, n }), x, { m: n, k: n, n });
    const eye = new Float64Array(n * n);
    for (let i = 0; i < n; i++) eye[i * n + i] = 1;
    // Forward error of an inverse square root ~ √κ·n·ε.
    expect(relativeError(xax, eye)).toBeLessThan(1e3 * n * 1e-15);
  });
});
