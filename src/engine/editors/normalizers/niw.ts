/**
 * The paper's general Normal–Inverse–Wishart tracking of the value gradients (Theorem 3.2,
 * Corollary 3.3), per batch of B rows with mean ḡ and centred scatter S_b:
 *   κ' = κ + B,  ν' = ν + B,  μ' = μ + B(ḡ − μ)/κ',  Ψ' = Ψ + S_b + (κB/κ')(ḡ − μ)(ḡ − μ)ᵀ,
 *   E[μ] = μ',  E[Σ] = Ψ'/(ν' − dOut − 1) (+ε, as the reference code adds).
 * Prior μ₀, κ₀, ν₀, Ψ₀ = ψ₀·I. With κ₀ = ν₀ = ψ₀ = 0 (and μ₀ = 0) it is exactly `stableedit`.
 * Keys, and g before whitening is possible (ν ≤ dOut + 1) or in warm-up, use the diagonal Chan path.
 */
import { emptyRunningMoments, type BatchVariance, type RunningMoments } from '../../linalg/chan';
import type { NiwPrior } from '../editor';
import { niwPrior } from '../spec';
import { diagonalPlan } from './diagonal-plan';
import { mergeZ } from './diagonal';
import type { NormalizationPlan, Normalizer, NormalizerState } from './normalizer';
import { loadRunningMoments, saveRunningMoments, stateArray, stateNumber } from './persist';
import { canWhiten, mergeScatter, posteriorCovariance, whitenedPlan } from './whitened-plan';

export class NiwNormalizer implements Normalizer {
  private keyStats: RunningMoments;
  private mu: Float64Array;
  private kappa: number;
  private nu: number;
  private psi: Float64Array;

  constructor(
    readonly dIn: number,
    readonly dOut: number,
    prior: NiwPrior = {},
    private readonly variance: BatchVariance = 'biased',
  ) {
    const { mu0, kappa0, nu0, psi0 } = niwPrior(prior, dOut);
    this.keyStats = emptyRunningMoments(dIn + dOut);
    this.mu = mu0;
    this.kappa = kappa0;
    this.nu = nu0;
    this.psi = new Float64Array(dOut * dOut);
    for (let i = 0; i < dOut; i++) this.psi[i * dOut + i] = psi0;
  }

  update(keys: ArrayLike<number>, grads: ArrayLike<number>, rows: number): void {
    if (rows === 0) return;
    const { gradBatchMean } = mergeZ(this.keyStats, keys, grads, rows, this.dIn, this.dOut, this.variance);
    const k1 = this.kappa + rows;
    const delta = new Float64Array(this.dOut);
    for (let j = 0; j < this.dOut; j++) {
      delta[j] = gradBatchMean[j] - this.mu[j];
      this.mu[j] += (rows * delta[j]) / k1;
    }
    mergeScatter(this.psi, grads, rows, this.dOut, gradBatchMean, delta, (this.kappa * rows) / k1);
    this.kappa = k1;
    this.nu += rows;
  }

  plan(opts: { diagonalOnly: boolean }): NormalizationPlan {
    if (opts.diagonalOnly || !canWhiten(this.nu, this.dOut)) return diagonalPlan(this.keyStats, this.dIn, this.dOut);
    return whitenedPlan(this.keyStats, this.dIn, this.dOut, this.mu, posteriorCovariance(this.psi, this.nu, this.dOut));
  }

  save(): NormalizerState {
    return { ...saveRunningMoments(this.keyStats, ''), mu: this.mu.slice(), kappa: this.kappa, nu: this.nu, psi: this.psi.slice() };
  }

  load(s: NormalizerState): void {
    const keyStats = loadRunningMoments(s, '', this.dIn + this.dOut);
    const mu = stateArray(s, 'mu', this.dOut);
    const psi = stateArray(s, 'psi', this.dOut * this.dOut);
    const kappa = stateNumber(s, 'kappa');
    const nu = stateNumber(s, 'nu');
    Object.assign(this, { keyStats, mu, psi, kappa, nu });
  }
}
