/**
 * StableEdit's normalizer as its code does it: exact Chan moments of z = [k | g] (biased batch
 * variance) plus the running value-gradient scatter S; ĝ fully whitened with Σ = S/(n − dOut − 1 + ε)
 * once n > dOut + 1 (and not in warm-up), diagonal before that.
 */
import { emptyRunningMoments, type BatchVariance, type RunningMoments } from '../../linalg/chan';
import { diagonalPlan } from './diagonal-plan';
import { mergeZ } from './diagonal';
import type { NormalizationPlan, Normalizer, NormalizerState } from './normalizer';
import { loadRunningMoments, saveRunningMoments, stateArray } from './persist';
import { canWhiten, mergeScatter, posteriorCovariance, whitenedPlan } from './whitened-plan';

export class StableEditNormalizer implements Normalizer {
  private state: RunningMoments;
  private scatter: Float64Array;

  constructor(
    readonly dIn: number,
    readonly dOut: number,
    private readonly variance: BatchVariance = 'biased',
  ) {
    this.state = emptyRunningMoments(dIn + dOut);
    this.scatter = new Float64Array(dOut * dOut);
  }

  update(keys: ArrayLike<number>, grads: ArrayLike<number>, rows: number): void {
    if (rows === 0) return;
    const { nOld, gradBatchMean, deltaG } = mergeZ(this.state, keys, grads, rows, this.dIn, this.dOut, this.variance);
    mergeScatter(this.scatter, grads, rows, this.dOut, gradBatchMean, deltaG, (nOld * rows) / (nOld + rows));
  }

  plan(opts: { diagonalOnly: boolean }): NormalizationPlan {
    const n = this.state.n;
    if (opts.diagonalOnly || !canWhiten(n, this.dOut)) return diagonalPlan(this.state, this.dIn, this.dOut);
    return whitenedPlan(
      this.state,
      this.dIn,
      this.dOut,
      this.state.mean.subarray(this.dIn),
      posteriorCovariance(this.scatter, n, this.dOut),
    );
  }

  save(): NormalizerState {
    return { ...saveRunningMoments(this.state, ''), scatter: this.scatter.slice() };
  }

  load(s: NormalizerState): void {
    const state = loadRunningMoments(s, '', this.dIn + this.dOut);
    this.scatter = stateArray(s, 'scatter', this.dOut * this.dOut);
    this.state = state;
  }
}
