import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng';
import { symmetricEigen } from './eigh';
import { cholesky, solveSpd } from './cholesky';
import { inverseSqrtEigh, spectrumOf } from './inverse-sqrt';
import { matmul } from './matmul';
import { gramRows, scatterUpdate } from './syrk';
import { frobeniusCosine, frobeniusNorm } from './frobenius';
import { relativeError, spdWithCondition } from './test-matrices';

function randomSymmetric(d: number, rng: Rng): Float64Array {
  const a = rng.normals(d * d) as Float64Array;
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) a[i * d + j] = a[j * d + i];
  return a;
}

describe('symmetric eigendecomposition (tred2 + tql2)', () => {
  it('reconstructs A = UᵀΛU with orthonormal U on random and degenerate matrices', () => {
    const rng = new Rng(11);
    for (const d of [1, 2, 7, 33]) {
      const a = randomSymmetric(d, rng);
      const { values, vectors } = symmetricEigen(a, d);
      for (let i = 1; i < d; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
      const uut = matmul(vectors, vectors, { m: d, k: d, n: d, transB: true });
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(Math.abs(uut[i * d + j] - (i === j ? 1 : 0))).toBeLessThan(1e-12);
      const rec = new Float64Array(d * d);
      for (let k = 0; k < d; k++)
        for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) rec[i * d + j] += values[k] * vectors[k * d + i] * vectors[k * d + j];
      expect(relativeError(rec, a)).toBeLessThan(1e-12);
    }
    // Repeated eigenvalues and a zero matrix: still a valid decomposition.
    const eye = new Float64Array(9).fill(0);
    eye[0] = eye[4] = eye[8] = 2;
    expect(Array.from(symmetricEigen(eye, 3).values)).toEqual([2, 2, 2]);
    expect(Array.from(symmetricEigen(new Float64Array(4), 2).values)).toEqual([0, 0]);
  });

  it('recovers a prescribed spectrum with condition number 1e8', () => {
    const { a, values } = spdWithCondition(40, 1e8, 3, new Rng(3));
    const got = symmetricEigen(a, 40).values;
    const want = Array.from(values).sort((x, y) => x - y);
    // Absolute error ~ ε·‖A‖: relative to λmax.
    for (let i = 0; i < 40; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-13 * 3 * 40);
  });
});

describe('Cholesky and SPD solve', () => {
  it('L·Lᵀ = A and A·X = B at condition 1e8, also for shapes that are not powers of two', () => {
    const rng = new Rng(5);
    for (const [n, kappa] of [
      [1, 1],
      [17, 1e3],
      [45, 1e8],
    ] as const) {
      const { a } = spdWithCondition(n, kappa, 2, rng);
      const L = cholesky(a, n);
      expect(relativeError(matmul(L, L, { m: n, k: n, n, transB: true }), a)).toBeLessThan(1e-14);
      const xTrue = rng.normals(n * 3) as Float64Array;
      const b = matmul(a, xTrue, { m: n, k: n, n: 3 });
      // Forward error bound ≈ κ·ε.
      expect(relativeError(solveSpd(a, b, n, 3), xTrue)).toBeLessThan(kappa * 1e-14 + 1e-14);
    }
  });
  it('names the failing pivot of an indefinite matrix', () => {
    expect(() => cholesky(new Float64Array([1, 2, 2, 1]), 2)).toThrow(/pivot 1/);
  });
});

describe('Σ^{-1/2} with the eigenvalue clamp, spectrum and Lanczos', () => {
  it('(Σ^{-1/2})² Σ = I when λmin > clamp; clamped eigenvalues give max(λ,1e-6)^{-1/2}', () => {
    const rng = new Rng(8);
    const { a } = spdWithCondition(30, 1e4, 1, rng);
    const { invSqrt } = inverseSqrtEigh(a, 30);
    const w = matmul(matmul(invSqrt, a, { m: 30, k: 30, n: 30 }), invSqrt, { m: 30, k: 30, n: 30 });
    for (let i = 0; i < 30; i++) for (let j = 0; j < 30; j++) expect(Math.abs(w[i * 30 + j] - (i === j ? 1 : 0))).toBeLessThan(1e-10);
    // Spectrum down to 1e-9: those below the clamp are whitened as if they were 1e-6.
    const { a: b, values } = spdWithCondition(12, 1e9, 1, rng);
    const { invSqrt: ib, eigen } = inverseSqrtEigh(b, 12);
    for (let k = 0; k < 12; k++) {
      const u = eigen.vectors.subarray(k * 12, k * 12 + 12);
      const iu = matmul(ib, u, { m: 12, k: 12, n: 1 });
      const want = 1 / Math.sqrt(Math.max(eigen.values[k], 1e-6));
      for (let i = 0; i < 12; i++) expect(iu[i]).toBeCloseTo(want * u[i], 6);
    }
    const s = spectrumOf(values);
    expect(s.lambdaMax).toBe(1);
    expect(s.conditionNumber).toBeCloseTo(1e6, 6);
  });
});

describe('SYRK and Frobenius helpers', () => {
  it('scatterUpdate = α·XᵀX and gramRows = X·Xᵀ by the definition', () => {
    const rng = new Rng(4);
    const x = rng.normals(7 * 5) as Float64Array;
    const s = new Float64Array(25).fill(1);
    scatterUpdate(s, x, 7, 5, 0.5);
    const xtx = matmul(x, x, { m: 5, k: 7, n: 5, transA: true });
    for (let i = 0; i < 25; i++) expect(s[i]).toBeCloseTo(1 + 0.5 * xtx[i], 13);
    const g = gramRows(x, 7, 5);
    const xxt = matmul(x, x, { m: 7, k: 5, n: 7, transB: true });
    for (let i = 0; i < 49; i++) expect(g[i]).toBeCloseTo(xxt[i], 13);
  });
  it('cosine of a matrix with itself is 1, with its negative −1, with zero null', () => {
    const a = new Float64Array([1, -2, 3, 4]);
    expect(frobeniusNorm(a)).toBeCloseTo(Math.sqrt(30), 14);
    expect(frobeniusCosine(a, a)).toBeCloseTo(1, 14);
    expect(
      frobeniusCosine(
        a,
        a.map((v) => -2 * v),
      ),
    ).toBeCloseTo(-1, 14);
    expect(frobeniusCosine(a, new Float64Array(4))).toBeNull();
  });
});
