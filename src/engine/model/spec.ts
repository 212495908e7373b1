/**
 * The architecture-neutral description of a decoder-only transformer that the graph builder, the
 * reference forward and the runtime share. Parsed from a Hugging Face config.json by ./config.ts.
 */
export type Architecture = 'gpt2' | 'llama' | 'qwen2' | 'mistral';

export interface ModelSpec {
  arch: Architecture;
  vocabSize: number;
  hidden: number;
  intermediate: number;
  layers: number;
  heads: number;
  /** Key/value heads (GQA); equals heads for GPT-2. */
  kvHeads: number;
  headDim: number;
  maxPositions: number;
  norm: 'layernorm' | 'rmsnorm';
  normEps: number;
  /** GPT-2: gelu (tanh approximation) MLP; Llama family: SwiGLU with SiLU. */
  act: 'gelu_tanh' | 'silu';
  /** Rotary embeddings (Llama family); GPT-2 uses learned positions instead. */
  rope: null | { theta: number; scaling?: RopeScaling };
  /** Biases on q/k/v projections (Qwen2; GPT-2 has biases everywhere). */
  qkvBias: boolean;
  /** Llama's `mlp_bias`: biases on gate_proj, up_proj and down_proj (absent = false). */
  mlpBias?: boolean;
  tiedEmbeddings: boolean;
  /**
   * Mistral/Qwen2 sliding-window attention width, null when attention is full. Our edit prompts are
   * far shorter than any real window (4096+), so the window never binds; the reference forward
   * rejects a sequence longer than it rather than guess HF's per-version off-by-one.
   */
  slidingWindow?: number | null;
  bosId: number | null;
  eosId: number | null;
}

/** Llama 3.x "llama3" rope scaling; other types are rejected by the config parser. */
export interface RopeScaling {
  type: 'llama3';
  factor: number;
  lowFreqFactor: number;
  highFreqFactor: number;
  originalMaxPositions: number;
}

/** A Linear the editor can change, by its Hugging Face module path. */
export interface EditableModule {
  /** e.g. `model.layers.2.mlp.down_proj`, `transformer.h.1.mlp.c_proj`. */
  name: string;
  layer: number;
  dIn: number;
  dOut: number;
  /** Name of the weight tensor in the checkpoint (`<name>.weight`). */
  weight: string;
  /** `linear`: weight stored [dOut, dIn] (torch.nn.Linear); `conv1d`: [dIn, dOut] (GPT-2 Conv1D). */
  layout: 'linear' | 'conv1d';
}

/** Checkpoint tensors held in fp32 by their checkpoint names. */
export interface Tensor32 {
  shape: number[];
  data: Float32Array;
}
export type Weights = Map<string, Tensor32>;

/**
 * A frozen tensor of a 16-bit checkpoint held as fp16 bits of its values times 2^shift (docs/design.md
 * §4): exact, widened to fp32 (and scaled back by 2^−shift, exact too) where used.
 */
export interface Tensor16 {
  shape: number[];
  data: Uint16Array;
  shift: number;
}
/** Weights as loaded: fp32, or fp16 bits for the frozen tensors of an F16/BF16 checkpoint (LoadOptions.frozen16). */
export type HeldWeights = Map<string, Tensor32 | Tensor16>;
