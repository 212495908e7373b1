/**
 * What an editor is, declaratively: which running statistics it keeps (none, per-dimension, or per
 * dimension plus a full value-gradient covariance tracked as a Chan scatter or an NIW posterior),
 * with which batch variance, and which step turns the normalized captures into ΔW. Both backends
 * (float64 in editors/cpu-backend.ts, WGSL in gpu/editor/gpu-backend.ts) read only this, and the
 * checkpoint layout of the statistics follows from it (see docs/design.md §1 "Editor state").
 */
import type { BatchVariance } from '../linalg/chan';
import { InputError } from '../types';
import type { EditorOptions, NiwPrior } from './editor';

export type { BatchVariance };

export interface StatisticsSpec {
  /** Batch term of the Chan merge: exact (`biased`) or UltraEdit's B/(B−1) quirk (`unbiased-batch`). */
  variance: BatchVariance;
  /**
   * `diagonal`: per-dimension normalization only. `scatter`: ĝ whitened by Σ = S/(n − dOut − 1 + ε)
   * from the running scatter S. `niw`: ĝ whitened by the NIW posterior mean Ψ/(ν − dOut − 1 + ε),
   * centred on its μ (prior from EditorOptions.niw).
   */
  covariance: 'diagonal' | 'scatter' | 'niw';
}

export interface EditorSpec {
  name: string;
  summary: string;
  /** null: no running statistics (V from the raw captures, or a plain gradient step). */
  statistics: StatisticsSpec | null;
  /** 'ridge': V = −lr‖k̂‖²ĝ then ΔW = (KᵀK + λI)⁻¹KᵀV; 'gradient': ΔW = −lr·KᵀG. */
  step: 'ridge' | 'gradient';
}

/** Smallest sub-batch the statistics accept: the unbiased batch variance needs two rows. */
export function minBatchRows(spec: EditorSpec): number {
  return spec.statistics?.variance === 'unbiased-batch' ? 2 : 1;
}

export function whitens(spec: EditorSpec): boolean {
  return spec.statistics !== null && spec.statistics.covariance !== 'diagonal';
}

/** Options checked once, for both backends, before any editor is built. */
export function checkOptions(spec: EditorSpec, options: EditorOptions): void {
  const { lr, ridge } = options;
  if (!Number.isFinite(lr)) throw new InputError(`editor ${spec.name}`, `lr must be a finite number, got ${lr}`);
  if (spec.step === 'ridge' && !(Number.isFinite(ridge) && ridge > 0))
    throw new InputError(`editor ${spec.name}`, `ridge λ must be a finite number > 0, got ${ridge}`);
  if (spec.statistics?.covariance === 'niw') {
    const mu0 = options.niw?.mu0;
    niwPrior(options.niw, typeof mu0 === 'object' ? mu0.length : 1);
  }
}

export interface NiwPriorValues {
  mu0: Float64Array;
  kappa0: number;
  nu0: number;
  psi0: number;
}

/** The NIW prior of options.niw with defaults (the zero prior, which is `stableedit`), checked. */
export function niwPrior(prior: NiwPrior | undefined, dOut: number): NiwPriorValues {
  const { mu0 = 0, kappa0 = 0, nu0 = 0, psi0 = 0 } = prior ?? {};
  for (const [k, v] of Object.entries({ kappa0, nu0, psi0 }))
    if (!(Number.isFinite(v) && v >= 0)) throw new InputError(`NIW prior ${k}`, `must be a finite number ≥ 0, got ${v}`);
  if (typeof mu0 === 'number') return { mu0: new Float64Array(dOut).fill(mu0), kappa0, nu0, psi0 };
  if (mu0.length !== dOut) throw new InputError('NIW prior mu0', `has ${mu0.length} values, the value gradients have ${dOut}`);
  return { mu0: Float64Array.from(mu0), kappa0, nu0, psi0 };
}

/**
 * The checkpoint record of one weight shape: field → array length (or 'number'). Every backend saves
 * exactly these fields and loads only records that match them, so either resumes the other's run.
 */
export function stateLayout(spec: EditorSpec, dIn: number, dOut: number): Record<string, number | 'number'> {
  const s = spec.statistics;
  if (!s) return {};
  const d = dIn + dOut;
  const moments = { n: 'number' as const, mean: d, m2: d };
  if (s.covariance === 'diagonal') return moments;
  if (s.covariance === 'scatter') return { ...moments, scatter: dOut * dOut };
  return { ...moments, mu: dOut, kappa: 'number', nu: 'number', psi: dOut * dOut };
}
