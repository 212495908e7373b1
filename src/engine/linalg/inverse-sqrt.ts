/**
 * Σ^{-1/2} through the exact eigendecomposition, with the reference's eigenvalue clamp
 * (λ ← max(λ, floor) before ^{-1/2}, floor 1e-6 in StableEdit), and the spectrum summary the
 * diagnostics report. The twin that any GPU whitening method is measured against.
 */
import { PARALLEL_EIGH_MIN_N, symmetricEigen, type SymmetricEigen } from './eigh';
import { gemmFor } from './gemm';
import { inverseSqrtRows } from './inverse-sqrt-kernel';
import { currentF64Pool, poolArray, SERIAL_POOL, type F64Pool } from './parallel/pool';

export const EIGEN_CLAMP = 1e-6;

/** Σ_j max(λ_j, floor)^{-1/2} u_j u_jᵀ from a decomposition; the d³ product split over `pool`. */
export function inverseSqrtFromEigen(eig: SymmetricEigen, floor = EIGEN_CLAMP, pool: F64Pool = currentF64Pool()): Float64Array {
  const { n, values, vectors } = eig;
  const native = gemmFor({ m: n, k: n, n });
  if (native) {
    // Uᵀ·(diag(s)·U) on the GEMM provider, its upper triangle mirrored as below (exactly symmetric)
    const scaled = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      const s = 1 / Math.sqrt(Math.max(values[j], floor));
      for (let k = 0; k < n; k++) scaled[j * n + k] = s * vectors[j * n + k];
    }
    const out = native.gemm(vectors, scaled, { m: n, k: n, n, transA: true });
    for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) out[a * n + b] = out[b * n + a];
    return out;
  }
  if (n < PARALLEL_EIGH_MIN_N) pool = SERIAL_POOL;
  const u = pool.threads > 1 ? poolArray(pool, n * n) : vectors;
  if (u !== vectors) u.set(vectors);
  const scaled = poolArray(pool, n * n);
  for (let j = 0; j < n; j++) {
    const s = 1 / Math.sqrt(Math.max(values[j], floor));
    for (let k = 0; k < n; k++) scaled[j * n + k] = s * vectors[j * n + k];
  }
  const upper = poolArray(pool, n * n);
  if (pool.threads > 1) pool.run('invsqrt', [u.buffer, scaled.buffer, upper.buffer], [n]);
  else inverseSqrtRows(u, scaled, upper, n, 0, 1);
  const out = pool.threads > 1 ? Float64Array.from(upper) : upper;
  for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) out[a * n + b] = out[b * n + a];
  return out;
}

export function inverseSqrtEigh(
  a: ArrayLike<number>,
  n: number,
  floor = EIGEN_CLAMP,
  pool: F64Pool = currentF64Pool(),
): { invSqrt: Float64Array; eigen: SymmetricEigen } {
  const eigen = symmetricEigen(a, n, pool);
  return { invSqrt: inverseSqrtFromEigen(eigen, floor, pool), eigen };
}

export interface Spectrum {
  lambdaMax: number;
  lambdaMin: number;
  /** λmax / max(λmin, floor): finite even for a singular Σ, and what the clamped whitening sees. */
  conditionNumber: number;
}

export function spectrumOf(values: ArrayLike<number>, floor = EIGEN_CLAMP): Spectrum {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  return { lambdaMax: hi, lambdaMin: lo, conditionNumber: Math.max(hi, floor) / Math.max(lo, floor) };
}
