/**
 * What the run loop needs of a loaded model, whichever backend executes it (onnxruntime-web on
 * WebGPU in the browser, its wasm EP as the browser fallback, onnxruntime-node's CPU EP in Node).
 */
import type { Residual, SubBatch, SubBatchCapture } from '../types';
import type { EditableModule, ModelSpec, Tensor32, Weights } from '../model/spec';

export interface NextTokens {
  /** Top-k token ids at the last position, most likely first, with their probabilities. */
  ids: number[];
  probs: number[];
}

/** Module inputs and block outputs read at flat positions b·seqLen + t of a sub-batch. */
export interface Lookup {
  /** Per module: [M, dIn]. */
  keys: Map<string, Float32Array>;
  /** Per block: the residual stream leaving it, [M, H]. */
  blocks: Map<number, Float32Array>;
}

/** One evaluation of MEMIT's target objective (graph/models/locate.ts buildTargetGraph). */
export interface TargetQuery {
  /** The prompts: labels at the target tokens of the rewriting rows; the last `kl` rows are the KL prompts. */
  sb: SubBatch;
  /** Per row, the flat position (b·sb.seqLen + t) of its subject's last token. */
  lookup: Int32Array;
  /** Block whose output δ shifts. */
  layer: number;
  kl: number;
  delta: Float32Array;
  /** [kl, V] log-probabilities the KL term compares against. */
  klInit: Float32Array;
}

export interface TargetResult {
  nll: number;
  kl: number;
  gradNll: Float32Array;
  gradKl: Float32Array;
  /** [kl, V]. */
  klLogprobs: Float32Array;
  /** [B, H]: the shifted block output at each row's lookup position. */
  z: Float32Array;
}

export interface CaptureOptions {
  residual?: boolean;
  /** Keys and value gradients at every token of the sub-batch, not only its label positions (MEND's `token: all`); the loss is the same. */
  allTokens?: boolean;
}

/** A loss at the label positions and its gradient w.r.t. edited modules' weights (graph/models/meta.ts). */
export interface LossGradient {
  loss: number;
  /** [N, V] log-probabilities at the label positions. */
  logprobs: Float32Array;
  /** Per module: ∂loss/∂W as [dIn, dOut] (the layout of ΔW, docs/design.md §1 step 6). */
  grads: Map<string, Float64Array>;
}

/** What executes the graphs: onnxruntime-node's CPU EP, onnxruntime-web's wasm EP, or its WebGPU EP. */
export type RuntimeBackend = 'native' | 'wasm' | 'webgpu';

export interface ModelRuntime {
  readonly backend: RuntimeBackend;
  readonly spec: ModelSpec;
  readonly modules: EditableModule[];
  /**
   * One forward + backward on the current weights: loss, keys and value gradients at label positions;
   * with `residual`, also the residual stream entering the lowest edited block.
   */
  capture(sb: SubBatch, modules: string[], opts?: CaptureOptions): Promise<SubBatchCapture>;
  /** Top-1 prediction at each label position of the sub-batch (same order as labelPositions). */
  predict(sb: SubBatch): Promise<Int32Array>;
  /**
   * predict() for the sub-batch a residual was captured with, running only the blocks from
   * residual.layer on. Equal to predict() (up to fp32 rounding) while no block below it was edited.
   */
  predictFrom(sb: SubBatch, residual: Residual): Promise<Int32Array>;
  /** Keys and block outputs at flat positions of a sub-batch (its labels are ignored). */
  lookup(sb: SubBatch, positions: Int32Array, modules: string[], layers: number[]): Promise<Lookup>;
  /** MEMIT's target objective and its gradient with respect to δ. */
  target(q: TargetQuery): Promise<TargetResult>;
  /**
   * Hypernetwork meta-training (docs/design.md §8): the mean cross-entropy at the label positions, or
   * with `ref` ([N, V] log-probabilities) the KL(p_ref ‖ p) there, and its gradient with respect to
   * the modules' weights as they stand.
   */
  lossGradient(sb: SubBatch, modules: string[], ref?: Float32Array): Promise<LossGradient>;
  /** Log-probabilities [N, V] at the label positions of a sub-batch. */
  labelLogprobs(sb: SubBatch): Promise<Float32Array>;
  /** Next-token distribution after a prompt (for the probe box). */
  nextTokens(ids: number[], k: number): Promise<NextTokens>;
  /** nextTokens for several prompts in one pass (right-padded; each read at its own last token). */
  nextTokensBatch(rows: readonly (readonly number[])[], k: number): Promise<NextTokens[]>;
  /** W += ΔW for a module; delta is [dIn, dOut] (output change k·ΔW), mapped onto the weight's layout. */
  applyDelta(module: string, delta: Float32Array): Promise<void>;
  /** Overwrite one weight tensor (checkpoint resume restores edited modules bit-exactly). */
  setWeight(name: string, data: Float32Array): Promise<void>;
  /** One tensor as it stands (read-only: it may be the runtime's live array). */
  weight(name: string): Promise<Tensor32>;
  /**
   * The full state dict under the checkpoint's names, as it stands (edits included) or as loaded.
   * Tensors kept only on the GPU are read back, so ask for one tensor with weight() where that is enough.
   */
  weights(which?: 'current' | 'loaded'): Promise<Weights>;
  /** Every tensor changed since load back to its loaded values. */
  resetWeights(): Promise<void>;
  dispose(): Promise<void>;
}
