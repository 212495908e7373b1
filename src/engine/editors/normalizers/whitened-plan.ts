/**
 * StableEdit's value-gradient whitening (ZCA): ĝ = (g − μ)·Σ^{-1/2}, Σ^{-1/2} from the exact
 * eigendecomposition with eigenvalues clamped at 1e-6. Keys stay diagonal. Shared by the
 * `stableedit` (Chan + scatter) and `stableedit-niw` (NIW posterior mean) normalizers, so the two
 * differ only in how μ and Σ are tracked.
 */
import type { RunningMoments } from '../../linalg/chan';
import { runningStd } from '../../linalg/chan';
import { inverseSqrtEigh, spectrumOf } from '../../linalg/inverse-sqrt';
import { matmul } from '../../linalg/matmul';
import { rankOneUpdate, scatterUpdate } from '../../linalg/syrk';
import { standardizeBlock } from './diagonal-plan';
import { F32_EPS, type NormalizationPlan } from './normalizer';

/** S += Σ_r (g_r − ḡ_b)(g_r − ḡ_b)ᵀ + coef·δδᵀ: one batch merged into a running scatter. */
export function mergeScatter(
  s: Float64Array,
  grads: ArrayLike<number>,
  rows: number,
  dOut: number,
  batchMean: Float64Array,
  delta: Float64Array,
  coef: number,
): void {
  const centred = new Float64Array(rows * dOut);
  for (let i = 0; i < rows; i++) for (let j = 0; j < dOut; j++) centred[i * dOut + j] = grads[i * dOut + j] - batchMean[j];
  scatterUpdate(s, centred, rows, dOut);
  rankOneUpdate(s, delta, dOut, coef);
}

/** Σ = scatter / (dof − dOut − 1 + ε): the NIW posterior-mean covariance (flat prior: dof = n). */
export function posteriorCovariance(scatter: Float64Array, dof: number, dOut: number): Float64Array {
  const denom = dof - dOut - 1 + F32_EPS;
  const sigma = new Float64Array(scatter.length);
  for (let i = 0; i < sigma.length; i++) sigma[i] = scatter[i] / denom;
  return sigma;
}

/** Whether Σ = scatter/(dof − dOut − 1 + ε) is defined: the reference falls back when dof ≤ dOut + 1. */
export function canWhiten(dof: number, dOut: number): boolean {
  return dof > dOut + 1;
}

export function whitenedPlan(
  keyStats: RunningMoments,
  dIn: number,
  dOut: number,
  gradMean: Float64Array,
  sigma: Float64Array,
): NormalizationPlan {
  const mean = keyStats.mean.slice();
  const std = runningStd(keyStats, F32_EPS);
  const { invSqrt, eigen } = inverseSqrtEigh(sigma, dOut);
  const centre = gradMean.slice();
  return {
    normalize: (keys, grads, rows) => {
      const centred = new Float64Array(rows * dOut);
      for (let i = 0; i < rows; i++) for (let j = 0; j < dOut; j++) centred[i * dOut + j] = grads[i * dOut + j] - centre[j];
      return {
        kHat: standardizeBlock(keys, rows, dIn, mean, std, 0),
        gHat: matmul(centred, invSqrt, { m: rows, k: dOut, n: dOut }),
      };
    },
    gradMean: centre,
    sigma: { kind: 'full', values: sigma, spectrum: spectrumOf(eigen.values) },
  };
}
