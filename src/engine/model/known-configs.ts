/**
 * The published config.json (the fields the lab reads) of the small Hub models the lab names: the
 * shapes presets are matched by, and the shapes the real-shape tests build random checkpoints at.
 * Copied from each repository's config.json; `tie_word_embeddings` and the vocabulary are what set
 * the size of the largest buffer (the embedding).
 */
export interface KnownConfig {
  repo: string;
  /** Parameters of the full model (tied embeddings counted once). */
  params: number;
  config: Record<string, unknown>;
}

/** Fields every GPT-2 size shares. */
const GPT2 = {
  model_type: 'gpt2',
  architectures: ['GPT2LMHeadModel'],
  activation_function: 'gelu_new',
  n_positions: 1024,
  n_ctx: 1024,
  layer_norm_epsilon: 1e-5,
  vocab_size: 50257,
  bos_token_id: 50256,
  eos_token_id: 50256,
};

/** Fields the SmolLM2 sizes share. */
const SMOLLM2 = {
  model_type: 'llama',
  architectures: ['LlamaForCausalLM'],
  max_position_embeddings: 8192,
  rms_norm_eps: 1e-5,
  rope_theta: 100000,
  rope_scaling: null,
  tie_word_embeddings: true,
  vocab_size: 49152,
  bos_token_id: 0,
  eos_token_id: 0,
  torch_dtype: 'bfloat16',
};

/** Fields the Gemma 3 text sizes share (270M and 1B: 512-token windows, five local layers to one global). */
const GEMMA3 = {
  model_type: 'gemma3_text',
  architectures: ['Gemma3ForCausalLM'],
  attention_bias: false,
  attn_logit_softcapping: null,
  final_logit_softcapping: null,
  head_dim: 256,
  hidden_activation: 'gelu_pytorch_tanh',
  max_position_embeddings: 32768,
  query_pre_attn_scalar: 256,
  rms_norm_eps: 1e-6,
  rope_local_base_freq: 10000.0,
  rope_scaling: null,
  rope_theta: 1000000.0,
  sliding_window: 512,
  vocab_size: 262144,
  pad_token_id: 0,
  bos_token_id: 2,
  eos_token_id: 1,
  torch_dtype: 'bfloat16',
};

export const KNOWN_CONFIGS: readonly KnownConfig[] = [
  {
    repo: 'openai-community/gpt2',
    params: 124_439_808,
    config: {
      ...GPT2,
      n_embd: 768,
      n_layer: 12,
      n_head: 12,
    },
  },
  {
    repo: 'HuggingFaceTB/SmolLM2-135M',
    params: 134_515_008,
    config: {
      ...SMOLLM2,
      hidden_size: 576,
      intermediate_size: 1536,
      num_hidden_layers: 30,
      num_attention_heads: 9,
      num_key_value_heads: 3,
    },
  },
  {
    repo: 'HuggingFaceTB/SmolLM2-360M',
    params: 361_821_120,
    config: {
      ...SMOLLM2,
      hidden_size: 960,
      intermediate_size: 2560,
      num_hidden_layers: 32,
      num_attention_heads: 15,
      num_key_value_heads: 5,
    },
  },
  {
    repo: 'Qwen/Qwen2.5-0.5B',
    params: 494_032_768,
    config: {
      model_type: 'qwen2',
      architectures: ['Qwen2ForCausalLM'],
      hidden_size: 896,
      intermediate_size: 4864,
      num_hidden_layers: 24,
      num_attention_heads: 14,
      num_key_value_heads: 2,
      max_position_embeddings: 32768,
      max_window_layers: 24,
      sliding_window: 32768,
      use_sliding_window: false,
      rms_norm_eps: 1e-6,
      rope_theta: 1000000,
      tie_word_embeddings: true,
      vocab_size: 151936,
      bos_token_id: 151643,
      eos_token_id: 151643,
      torch_dtype: 'bfloat16',
    },
  },
  {
    repo: 'openai-community/gpt2-medium',
    params: 354_823_168,
    config: {
      ...GPT2,
      n_embd: 1024,
      n_layer: 24,
      n_head: 16,
    },
  },
  {
    repo: 'TinyLlama/TinyLlama-1.1B-Chat-v1.0',
    params: 1_100_048_384,
    config: {
      model_type: 'llama',
      architectures: ['LlamaForCausalLM'],
      hidden_size: 2048,
      intermediate_size: 5632,
      num_hidden_layers: 22,
      num_attention_heads: 32,
      num_key_value_heads: 4,
      max_position_embeddings: 2048,
      rms_norm_eps: 1e-5,
      rope_theta: 10000,
      rope_scaling: null,
      tie_word_embeddings: false,
      vocab_size: 32000,
      bos_token_id: 1,
      eos_token_id: 2,
      torch_dtype: 'bfloat16',
    },
  },
  {
    repo: 'meta-llama/Llama-3.2-1B',
    params: 1_235_814_400,
    config: {
      model_type: 'llama',
      architectures: ['LlamaForCausalLM'],
      hidden_size: 2048,
      intermediate_size: 8192,
      num_hidden_layers: 16,
      num_attention_heads: 32,
      num_key_value_heads: 8,
      head_dim: 64,
      max_position_embeddings: 131072,
      rms_norm_eps: 1e-5,
      rope_theta: 500000,
      rope_scaling: { factor: 32, high_freq_factor: 4, low_freq_factor: 1, original_max_position_embeddings: 8192, rope_type: 'llama3' },
      tie_word_embeddings: true,
      vocab_size: 128256,
      bos_token_id: 128000,
      eos_token_id: 128001,
      torch_dtype: 'bfloat16',
    },
  },
  {
    repo: 'Qwen/Qwen3-0.6B',
    params: 596_049_920,
    config: {
      model_type: 'qwen3',
      architectures: ['Qwen3ForCausalLM'],
      attention_bias: false,
      head_dim: 128,
      hidden_act: 'silu',
      hidden_size: 1024,
      intermediate_size: 3072,
      num_hidden_layers: 28,
      num_attention_heads: 16,
      num_key_value_heads: 8,
      max_position_embeddings: 40960,
      max_window_layers: 28,
      rms_norm_eps: 1e-6,
      rope_scaling: null,
      rope_theta: 1000000,
      sliding_window: null,
      use_sliding_window: false,
      tie_word_embeddings: true,
      vocab_size: 151936,
      bos_token_id: 151643,
      eos_token_id: 151645,
      torch_dtype: 'bfloat16',
    },
  },
  {
    repo: 'google/gemma-3-270m',
    params: 268_098_176,
    config: {
      ...GEMMA3,
      hidden_size: 640,
      intermediate_size: 2048,
      num_hidden_layers: 18,
      num_attention_heads: 4,
      num_key_value_heads: 1,
      layer_types: Array.from({ length: 18 }, (_, i) => ((i + 1) % 6 ? 'sliding_attention' : 'full_attention')),
    },
  },
  {
    repo: 'google/gemma-3-1b-pt',
    params: 999_885_952,
    config: {
      ...GEMMA3,
      hidden_size: 1152,
      intermediate_size: 6912,
      num_hidden_layers: 26,
      num_attention_heads: 4,
      num_key_value_heads: 1,
      sliding_window_pattern: 6,
    },
  },
];

export function knownConfig(repo: string): KnownConfig {
  const k = KNOWN_CONFIGS.find((c) => c.repo === repo);
  if (!k) throw new Error(`no known config for ${repo}`);
  return k;
}
