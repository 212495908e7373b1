/**
 * The architecture-neutral description of a decoder-only transformer that the graph builder, the
 * reference forward and the runtime share. Parsed from a Hugging Face config.json by ./config.ts.
 */
export type Architecture = 'gpt2' | 'llama' | 'qwen2' | 'mistral' | 'gptj' | 'qwen3' | 'gemma2' | 'gemma3_text' | 'phi3';

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
  /**
   * GPT-2/GPT-J: gelu (tanh approximation) MLP; Llama family: SwiGLU with SiLU; Gemma: GeGLU with the
   * tanh gelu (gated, see gatedMlp in modules.ts).
   */
  act: 'gelu_tanh' | 'silu';
  /**
   * Rotary embeddings (all but GPT-2, which learns positions). `rotaryDim`: the leading dims of each
   * head that rotate (GPT-J's rotary_dim, Phi-3's partial_rotary_factor; default all); `interleaved`:
   * GPT-J's rotate-every-two pairs (2i, 2i+1) instead of rotate_half's (i, i + d/2); `localTheta`:
   * Gemma 3's rope_local_base_freq on its sliding-window layers (no scaling there).
   */
  rope: null | { theta: number; scaling?: RopeScaling; rotaryDim?: number; interleaved?: boolean; localTheta?: number };
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
  /**
   * Per layer, the sliding window applied exactly (query i sees key j iff 0 ≤ i − j < w, transformers'
   * sliding_window_overlay), null for full attention: Gemma 2/3's local layers, Phi-3, Qwen3 with
   * use_sliding_window. Absent for the older families, which use `slidingWindow` above.
   */
  layerWindows?: (number | null)[];
  /** GPT-J: attention and MLP run in parallel off ln_1 and both join the residual. */
  parallelBlock?: boolean;
  /** Gemma: RMSNorm scales by (1 + w), its weights stored zero-centred. */
  normPlusOne?: boolean;
  /** Qwen3, Gemma 3: RMSNorm over each head of q and k (q_norm / k_norm, [headDim]) before RoPE. */
  qkNorm?: boolean;
  /** Gemma: post_attention_layernorm on the attention output, pre/post_feedforward_layernorm around the MLP. */
  sandwichNorms?: boolean;
  /** Gemma: embeddings × √hidden, rounded to the embedding's dtype as transformers does. */
  embedScale?: number;
  /** The factor on q·k (default 1/√headDim; Gemma: query_pre_attn_scalar^−½). */
  attnScale?: number;
  /** Gemma 2: scores → cap·tanh(scores/cap) before the mask. */
  attnSoftcap?: number | null;
  /** Gemma 2 (and Gemma 3 where set): logits → cap·tanh(logits/cap). */
  finalSoftcap?: number | null;
  /** GPT-J: lm_head has a bias. */
  lmHeadBias?: boolean;
  bosId: number | null;
  eosId: number | null;
}

/** Rope scalings the lab implements (reference/rope.ts); other types are rejected by the config parser. */
export type RopeScaling = Llama3Scaling | LinearScaling | LongRopeScaling;

/** Llama 3.x "llama3" rope scaling. */
export interface Llama3Scaling {
  type: 'llama3';
  factor: number;
  lowFreqFactor: number;
  highFreqFactor: number;
  originalMaxPositions: number;
}

/** "linear": every inverse frequency divided by `factor` (Gemma 3's global layers at 4B+). */
export interface LinearScaling {
  type: 'linear';
  factor: number;
}

/**
 * Phi-3's "longrope": inv_freq[i] = 1 / (ext[i] · θ^(2i/d)) with ext the short factors up to
 * originalMaxPositions tokens, the long ones past it; cos and sin multiplied by attentionFactor.
 */
export interface LongRopeScaling {
  type: 'longrope';
  shortFactor: number[];
  longFactor: number[];
  originalMaxPositions: number;
  attentionFactor: number;
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
