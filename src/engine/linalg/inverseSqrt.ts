/**
 * Σ^{-1/2} through the exact eigendecomposition, with the reference's eigenvalue clamp
 * (λ ← max(λ, floor) before ^{-1/2}, floor 1e-6 in StableEdit), and the spectrum summary the
 * diagnostics report. The twin that any GPU whitening method is measured against.
 */
import { symmetricEigen, type SymmetricEigen } from './eigh';

export const EIGEN_CLAMP = 1e-6;

/** Σ_j max(λ_j, floor)^{-1/2} u_j u_jᵀ from a decomposition. */
export function inverseSqrtFromEigen(eig: SymmetricEigen, floor = EIGEN_CLAMP): Float64Array {
  const { n, values, vectors } = eig;
  const scaled = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const s = 1 / Math.sqrt(Math.max(values[j], floor));
    for (let k = 0; k < n; k++) scaled[j * n + k] = s * vectors[j * n + k];
  }
  // out[a][b] = Σ_j U[j][a] · s_j U[j][b]; accumulate row by row of U for contiguous access.
  const out = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const uj = j * n;
    for (let a = 0; a < n; a++) {
      const ua = vectors[uj + a];
      if (ua === 0) continue;
      const ra = a * n;
      for (let b = 0; b < n; b++) out[ra + b] += ua * scaled[uj + b];
    }
  }
  return out;
}

export function inverseSqrtEigh(a: ArrayLike<number>, n: number, floor = EIGEN_CLAMP): { invSqrt: Float64Array; eigen: SymmetricEigen } {
  const eigen = symmetricEigen(a, n);
  return { invSqrt: inverseSqrtFromEigen(eigen, floor), eigen };
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
