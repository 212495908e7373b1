/**
 * Diagonal running normalization of z = [k | g]. `unbiased-batch` is UltraEdit's code as published
 * (batch term B·var_unbiased, so a sub-batch of one row is rejected: its variance is undefined);
 * `biased` is the exact Chan merge StableEdit uses, here without whitening (the no-whitening ablation).
 */
import { advanceCount, chanMergeBlock, emptyRunningMoments, type BatchVariance, type RunningMoments } from '../../linalg/chan';
import { columnMoments } from '../../linalg/moments';
import { diagonalPlan } from './diagonal-plan';
import type { NormalizationPlan, Normalizer, NormalizerState } from './normalizer';
import { loadRunningMoments, saveRunningMoments } from './persist';

/** Merges one batch of z = [K | G] into diagonal running moments; returns δ_g and the old n. */
export function mergeZ(
  state: RunningMoments,
  keys: ArrayLike<number>,
  grads: ArrayLike<number>,
  rows: number,
  dIn: number,
  dOut: number,
  variance: BatchVariance,
) {
  const nOld = state.n;
  chanMergeBlock(state, columnMoments(keys, rows, dIn), 0, variance);
  const gm = columnMoments(grads, rows, dOut);
  const deltaG = chanMergeBlock(state, gm, dIn, variance);
  advanceCount(state, rows);
  return { nOld, gradBatchMean: gm.mean, deltaG };
}

export class DiagonalNormalizer implements Normalizer {
  private state: RunningMoments;

  constructor(
    readonly dIn: number,
    readonly dOut: number,
    private readonly variance: BatchVariance,
  ) {
    this.state = emptyRunningMoments(dIn + dOut);
  }

  update(keys: ArrayLike<number>, grads: ArrayLike<number>, rows: number): void {
    if (rows === 0) return;
    mergeZ(this.state, keys, grads, rows, this.dIn, this.dOut, this.variance);
  }

  plan(): NormalizationPlan {
    return diagonalPlan(this.state, this.dIn, this.dOut);
  }

  save(): NormalizerState {
    return saveRunningMoments(this.state, '');
  }

  load(s: NormalizerState): void {
    this.state = loadRunningMoments(s, '', this.dIn + this.dOut);
  }
}
