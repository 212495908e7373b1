/**
 * The one interface every lifelong editor implements (docs/design.md §1 steps 4–5): a turn takes the
 * captures of every sub-batch and module, updates the editor's running statistics, and returns one
 * ΔW [dIn, dOut] per module (output change k·ΔW) with a small diagnostics record per module.
 * Applying ΔW to weights is the caller's job.
 */
import type { ModuleCapture } from '../types';
import type { RidgeForm } from '../linalg/ridge';
import type { EditorSpec } from './spec';

export interface EditorOptions {
  /** Step size of the value targets V = −lr·‖k̂‖²·ĝ (or of the plain gradient step for `ft`). */
  lr: number;
  /** λ of the ridge solve (KᵀK + λI)⁻¹KᵀV; must be > 0 for editors that solve. */
  ridge: number;
  /** Force a ridge form; default: dual when N < dIn (same answer, N×N instead of dIn×dIn). */
  solveForm?: RidgeForm;
  /** `stableedit-niw` prior (paper Theorem 3.2): μ₀ (scalar or [dOut]), κ₀, ν₀, Ψ₀ = psi0·I. */
  niw?: NiwPrior;
}

export interface NiwPrior {
  mu0?: number | Float64Array;
  kappa0?: number;
  nu0?: number;
  psi0?: number;
}

export interface TurnInput {
  /** Per sub-batch (in order), per module (in order): z = [K | G] updates the statistics in this order. */
  subBatches: ModuleCapture[][];
  /** Warm-up turn: same statistics and solve, diagonal normalization only. */
  warmup?: boolean;
  /** Warm-up "statistics-only" variant (paper Table 13): update statistics, produce no ΔW. */
  statisticsOnly?: boolean;
  /** Loss before the update, if the caller measured it; copied into the diagnostics. */
  loss?: number;
}

export interface ModuleDelta {
  dIn: number;
  dOut: number;
  /** [dIn, dOut] row-major: Linear weight [dOut, dIn] += ΔWᵀ, GPT-2 Conv1D [dIn, dOut] += ΔW. */
  delta: Float32Array;
}

export interface StageTimes {
  stats: number;
  whitening: number;
  solve: number;
}

export interface ModuleDiagnostics {
  module: string;
  /** N: rows stacked over the turn's sub-batches. */
  rows: number;
  /** ‖ΔW‖_F; null in statistics-only turns. */
  deltaNorm: number | null;
  /** Frobenius cosine with this module's previous ΔW; null on its first. */
  cosinePrev: number | null;
  /** Which value-gradient covariance the normalization used; null for editors without statistics. */
  sigma: 'full' | 'diagonal' | null;
  /** λmax of that Σ and λmax / max(λmin, 1e-6). */
  lambdaMax: number | null;
  conditionNumber: number | null;
  /** ‖μ_t − μ_{t−1}‖ of the value-gradient mean used for centring (statistics shared per shape). */
  meanDrift: number | null;
  /** ‖Σ_t − Σ_{t−1}‖_F when both turns used the same kind of Σ. */
  covDrift: number | null;
  solve: RidgeForm | 'gradient' | null;
  /** Milliseconds. Whitening of a shared shape is charged to the first module of that shape. */
  timeMs: StageTimes;
}

export interface TurnDiagnostics {
  turn: number;
  warmup: boolean;
  statisticsOnly: boolean;
  loss: number | null;
  modules: ModuleDiagnostics[];
}

export interface TurnResult {
  deltas: Map<string, ModuleDelta>;
  diagnostics: TurnDiagnostics;
}

/** Plain data (numbers and Float64Arrays) so a run checkpoint can store it. */
export interface EditorState {
  editor: string;
  turn: number;
  /** Running statistics per weight shape `${dIn}x${dOut}`. */
  shapes: Record<string, Record<string, number | Float64Array>>;
  /**
   * What the diagnostics compare against (previous ΔW per module, previous centring mean and Σ per
   * shape), so a resumed run reports the same cosines and drifts as an uninterrupted one.
   */
  memory?: {
    deltas: Record<string, Float32Array>;
    plans: Record<string, { gradMean: Float64Array; sigmaKind: 'full' | 'diagonal' | null; sigmaValues: Float64Array | null }>;
  };
}

export interface Editor {
  readonly name: string;
  /** Captures at every token instead of the label positions (MEND's `token: all`, editors/hypernet/). */
  readonly captureAllTokens?: boolean;
  /** Index of the next turn (0-based); used in error messages and diagnostics. */
  readonly turnIndex: number;
  turn(input: TurnInput): TurnResult;
  saveState(): EditorState;
  loadState(state: EditorState): void;
}

export interface EditorDefinition {
  name: string;
  summary: string;
  /** What both backends build the editor from. */
  spec: EditorSpec;
  /** The float64 editor. */
  create(options: EditorOptions): Editor;
}

/**
 * An editor whose turn, save and load may resolve later: the GPU editor answers after its one readback
 * per turn, and reads back / uploads its resident statistics to save / load.
 */
export type AnyEditor = Omit<Editor, 'turn' | 'saveState' | 'loadState'> & {
  turn(input: TurnInput): TurnResult | Promise<TurnResult>;
  saveState(): EditorState | Promise<EditorState>;
  loadState(state: EditorState): void | Promise<void>;
};
