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
  // out[a][b] = Σ_j U[j][a] · s_j U[j][b]: four output rows at a time stay in cache while row j of
  // the scaled basis streams past once per block (4 FMAs per load), upper triangle then mirrored.
  const out = new Float64Array(n * n);
  for (let a = 0; a < n; a += 4) {
    const rows = Math.min(4, n - a);
    for (let j = 0; j < n; j++) {
      const uj = j * n;
      const u0 = vectors[uj + a];
      const u1 = rows > 1 ? vectors[uj + a + 1] : 0;
      const u2 = rows > 2 ? vectors[uj + a + 2] : 0;
      const u3 = rows > 3 ? vectors[uj + a + 3] : 0;
      const r0 = a * n;
      for (let b = a; b < n; b++) {
        const sb = scaled[uj + b];
        out[r0 + b] += u0 * sb;
        if (rows > 1) out[r0 + n + b] += u1 * sb;
        if (rows > 2) out[r0 + 2 * n + b] += u2 * sb;
        if (rows > 3) out[r0 + 3 * n + b] += u3 * sb;
      }
    }
  }
  for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) out[a * n + b] = out[b * n + a];
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
