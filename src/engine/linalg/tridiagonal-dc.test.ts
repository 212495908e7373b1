/**
 * Divide and conquer (tridiagonal-dc.ts) against the QL eigh (eigh.ts), its float64 twin: the same
 * eigenvalues to ≤ 1e-13·‖A‖, orthonormal vectors, A = V Λ Vᵀ, and the same clamped Σ^{-1/2} — on
 * spectra that exercise the secular equation and its deflations (well separated, κ 1e6, repeated
 * eigenvalues, rank deficient) and splits with odd halves. With the native GEMM installed, as in
 * Node's editor; once through the pool's shared memory. ~3 s.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Rng } from '../util/rng';
import { symmetricEigen } from './eigh';
import { installF64Gemm, type F64Gemm } from './gemm';
import { inverseSqrtEigh } from './inverse-sqrt';
import { startNativeGemm } from './native-gemm';
import { startNodeWorkers } from './parallel/node-pool';
import { SERIAL_POOL } from './parallel/pool';
import { randomOrthogonal, relativeError, spdWithCondition } from './test-matrices';
import { tridiagonalEigen } from './tridiagonal-dc';

afterEach(() => installF64Gemm(null));

function native(): F64Gemm {
  const g = startNativeGemm(2);
  if ('error' in g) throw new Error(g.error);
  return g;
}

/** Q diag(values) Qᵀ, exactly symmetric. */
function withSpectrum(values: number[], rng: Rng): Float64Array {
  const d = values.length;
  const q = randomOrthogonal(d, rng);
  const a = new Float64Array(d * d);
  for (let k = 0; k < d; k++)
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) a[i * d + j] += values[k] * q[k * d + i] * q[k * d + j];
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) a[i * d + j] = a[j * d + i] = 0.5 * (a[i * d + j] + a[j * d + i]);
  return a;
}

function check(a: Float64Array, n: number, label: string, gemm: F64Gemm | null) {
  const ql = symmetricEigen(a, n, SERIAL_POOL);
  installF64Gemm(gemm);
  const dc = symmetricEigen(a, n, SERIAL_POOL);
  installF64Gemm(null);
  const norm = Math.max(...ql.values.map(Math.abs));
  for (let i = 0; i < n; i++) expect(Math.abs(dc.values[i] - ql.values[i]), `${label}: λ${i}`).toBeLessThanOrEqual(1e-13 * norm);
  let orth = 0;
  let recon = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      let r = 0;
      for (let k = 0; k < n; k++) {
        s += dc.vectors[i * n + k] * dc.vectors[j * n + k];
        r += dc.vectors[k * n + i] * dc.values[k] * dc.vectors[k * n + j];
      }
      orth = Math.max(orth, Math.abs(s - (i === j ? 1 : 0)));
      recon = Math.max(recon, Math.abs(r - a[i * n + j]));
    }
  expect(orth, `${label}: VᵀV = I`).toBeLessThan(n * 1e-14);
  expect(recon, `${label}: V Λ Vᵀ = A`).toBeLessThan(n * 1e-14 * norm);
  return { ql, dc };
}

describe('symmetric tridiagonal divide and conquer', () => {
  it('agrees with the QL eigh on separated, ill-conditioned, repeated and rank-deficient spectra', () => {
    const g = native();
    const rng = new Rng(21);
    check(spdWithCondition(150, 1e2, 1, rng).a, 150, 'κ 1e2, n 150', g);
    const { a: ill } = spdWithCondition(203, 1e6, 2, rng);
    check(ill, 203, 'κ 1e6, n 203', g);
    const rep = Array.from({ length: 160 }, (_, i) => [1, 2, 2, 2, 5][i % 5] * (i < 80 ? 1 : 1 + 1e-12));
    check(withSpectrum(rep, rng), 160, 'repeated', g);
    const low = Array.from({ length: 144 }, (_, i) => (i < 40 ? 1 + i / 10 : 0));
    check(withSpectrum(low, rng), 144, 'rank 40', g);
    g.close();
  });

  it('gives the whitening the same clamped Σ^{-1/2} as the QL eigh, also on the pool and without a native GEMM', async () => {
    const n = 257;
    const rng = new Rng(4);
    const { a } = spdWithCondition(n, 1e6, 2, rng);
    const ref = inverseSqrtEigh(a, n, 1e-6, SERIAL_POOL).invSqrt;
    const g = native();
    installF64Gemm(g);
    const pool = await startNodeWorkers(2);
    try {
      expect(relativeError(inverseSqrtEigh(a, n, 1e-6, SERIAL_POOL).invSqrt, ref)).toBeLessThan(1e-11);
      expect(relativeError(inverseSqrtEigh(a, n, 1e-6, pool).invSqrt, ref)).toBeLessThan(1e-11);
    } finally {
      pool.close();
      g.close();
    }
    // the JS matmul behind it gives the same decomposition
    const d = Float64Array.from({ length: 70 }, () => rng.normal());
    const off = Float64Array.from({ length: 69 }, () => rng.normal());
    const t = tridiagonalEigen(d, off, 70);
    for (let j = 0; j < 70; j++)
      for (let i = 0; i < 70; i++) {
        const tz =
          d[i] * t.z[i * 70 + j] + (i > 0 ? off[i - 1] * t.z[(i - 1) * 70 + j] : 0) + (i < 69 ? off[i] * t.z[(i + 1) * 70 + j] : 0);
        expect(Math.abs(tz - t.values[j] * t.z[i * 70 + j])).toBeLessThan(1e-13);
      }
  });
});
