/**
 * Running per-dimension statistics merged batch by batch (Chan et al.). The lifelong normalizers
 * keep one of these over z = [k | g]. `unbiased-batch` reproduces the UltraEdit code's quirk:
 * the batch term is B·var_unbiased(x) = B/(B−1)·M2_batch instead of the exact M2_batch.
 */
import type { Moments } from './moments';

export interface RunningMoments {
  n: number;
  mean: Float64Array;
  m2: Float64Array;
}

export type BatchVariance = 'biased' | 'unbiased-batch';

export function emptyRunningMoments(d: number): RunningMoments {
  return { n: 0, mean: new Float64Array(d), m2: new Float64Array(d) };
}

/**
 * Merges batch moments of columns [offset, offset + batch.mean.length) of `state` (z = [k | g]
 * gives k at offset 0 and g at offset dIn). Does not touch state.n — call `advanceCount` once per
 * batch after merging every block, since all blocks share the old n. Returns δ = mean_b − mean_old.
 */
export function chanMergeBlock(state: RunningMoments, batch: Moments, offset: number, variance: BatchVariance): Float64Array {
  const n = state.n;
  const B = batch.count;
  const n1 = n + B;
  const d = batch.mean.length;
  const delta = new Float64Array(d);
  if (B === 0) return delta;
  if (variance === 'unbiased-batch' && B < 2) throw new Error('chanMergeBlock: the unbiased batch variance needs at least 2 rows');
  const denom = variance === 'biased' ? B : B - 1;
  for (let j = 0; j < d; j++) {
    const c = offset + j;
    const dj = batch.mean[j] - state.mean[c];
    delta[j] = dj;
    state.mean[c] += (B * dj) / n1;
    // Written as the reference writes it: B·var(x) + n·B·δ²/n'.
    state.m2[c] += B * (batch.m2[j] / denom) + (n * B * dj * dj) / n1;
  }
  return delta;
}

export function advanceCount(state: RunningMoments, batchRows: number): void {
  state.n += batchRows;
}

/** std = sqrt(M2/(n − 1 + ε)) per dimension, the reference's running standard deviation. */
export function runningStd(state: RunningMoments, eps: number): Float64Array {
  const out = new Float64Array(state.m2.length);
  const denom = state.n - 1 + eps;
  for (let j = 0; j < out.length; j++) out[j] = Math.sqrt(state.m2[j] / denom);
  return out;
}
