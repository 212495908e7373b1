/**
 * Per-dimension normalization from running moments over z = [k | g]:
 * ẑ = (z − mean) / (std + ε), std = sqrt(M2/(n − 1 + ε)) — the UltraEdit / StableEdit formula.
 */
import { runningStd, type RunningMoments } from '../../linalg/chan';
import { spectrumOf } from '../../linalg/inverse-sqrt';
import { F32_EPS, type NormalizationPlan, type SigmaEstimate } from './normalizer';

/** (x − mean[offset+j]) / (std[offset+j] + ε) for a [rows, d] block. */
export function standardizeBlock(
  x: ArrayLike<number>,
  rows: number,
  d: number,
  mean: Float64Array,
  std: Float64Array,
  offset: number,
): Float64Array {
  const out = new Float64Array(rows * d);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < d; j++) out[i * d + j] = (x[i * d + j] - mean[offset + j]) / (std[offset + j] + F32_EPS);
  return out;
}

/** The diagonal Σ of g the plan divides by: M2_g/(n − 1 + ε). */
function diagonalSigma(state: RunningMoments, dIn: number, dOut: number): SigmaEstimate | null {
  if (state.n < 2) return null;
  const values = new Float64Array(dOut);
  const denom = state.n - 1 + F32_EPS;
  for (let j = 0; j < dOut; j++) values[j] = state.m2[dIn + j] / denom;
  return { kind: 'diagonal', values, spectrum: spectrumOf(values) };
}

export function diagonalPlan(state: RunningMoments, dIn: number, dOut: number): NormalizationPlan {
  const mean = state.mean.slice();
  const std = runningStd(state, F32_EPS);
  return {
    normalize: (keys, grads, rows) => ({
      kHat: standardizeBlock(keys, rows, dIn, mean, std, 0),
      gHat: standardizeBlock(grads, rows, dOut, mean, std, dIn),
    }),
    gradMean: mean.slice(dIn),
    sigma: diagonalSigma(state, dIn, dOut),
  };
}
