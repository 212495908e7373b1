/**
 * A normalizer owns the running statistics of one weight shape (modules of equal shape share it)
 * and turns raw z = [k | g] rows into (k̂, ĝ) for the solve. docs/design.md §1 "Normalizers".
 */
import type { Spectrum } from '../../linalg/inverse-sqrt';

/** float32 machine epsilon: the ε of the reference code (torch.finfo(float32).eps). */
export const F32_EPS = 2 ** -23;

export type NormalizerState = Record<string, number | Float64Array>;

export interface SigmaEstimate {
  kind: 'full' | 'diagonal';
  /** [dOut, dOut] for full, [dOut] for diagonal. */
  values: Float64Array;
  spectrum: Spectrum;
}

export interface NormalizationPlan {
  /** k̂ [rows, dIn] and ĝ [rows, dOut] from raw keys and value gradients. */
  normalize(keys: ArrayLike<number>, grads: ArrayLike<number>, rows: number): { kHat: Float64Array; gHat: Float64Array };
  /** Value-gradient mean used for centring. */
  gradMean: Float64Array;
  sigma: SigmaEstimate | null;
}

export interface Normalizer {
  readonly dIn: number;
  readonly dOut: number;
  update(keys: ArrayLike<number>, grads: ArrayLike<number>, rows: number): void;
  /** This turn's normalization from the current statistics; diagonalOnly in warm-up turns. */
  plan(opts: { diagonalOnly: boolean }): NormalizationPlan;
  save(): NormalizerState;
  load(state: NormalizerState): void;
}
