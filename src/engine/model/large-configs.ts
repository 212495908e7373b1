/**
 * Published config.json (the fields the lab reads) of models too large for a laptop GPU in fp32 but
 * that the lab reads and estimates: the memory estimate and the Node one-layer real-shape capture
 * use them. Copied from each repository's config.json; `params` is the published count where the
 * model card gives one (Gemma 2 2B, Phi-3-mini), else counted by hand from the shapes (GPT-J-6B).
 */
import type { KnownConfig } from './known-configs';

export const LARGE_CONFIGS: readonly KnownConfig[] = [
  {
    // The paper's fourth model (StableEdit Table 6).
    repo: 'EleutherAI/gpt-j-6b',
    params: 6_050_882_784,
    config: {
      model_type: 'gptj',
      architectures: ['GPTJForCausalLM'],
      activation_function: 'gelu_new',
      n_embd: 4096,
      n_head: 16,
      n_inner: null,
      n_layer: 28,
      n_positions: 2048,
      rotary: true,
      rotary_dim: 64,
      layer_norm_epsilon: 1e-5,
      tie_word_embeddings: false,
      vocab_size: 50400,
      bos_token_id: 50256,
      eos_token_id: 50256,
      torch_dtype: 'float32',
    },
  },
  {
    repo: 'google/gemma-2-2b',
    params: 2_614_341_888,
    config: {
      model_type: 'gemma2',
      architectures: ['Gemma2ForCausalLM'],
      attention_bias: false,
      attn_logit_softcapping: 50.0,
      final_logit_softcapping: 30.0,
      head_dim: 256,
      hidden_activation: 'gelu_pytorch_tanh',
      hidden_size: 2304,
      intermediate_size: 9216,
      num_hidden_layers: 26,
      num_attention_heads: 8,
      num_key_value_heads: 4,
      max_position_embeddings: 8192,
      query_pre_attn_scalar: 256,
      rms_norm_eps: 1e-6,
      rope_theta: 10000.0,
      sliding_window: 4096,
      vocab_size: 256000,
      pad_token_id: 0,
      bos_token_id: 2,
      eos_token_id: 1,
      torch_dtype: 'float32',
    },
  },
  {
    repo: 'microsoft/Phi-3-mini-4k-instruct',
    params: 3_821_079_552,
    config: {
      model_type: 'phi3',
      architectures: ['Phi3ForCausalLM'],
      hidden_act: 'silu',
      hidden_size: 3072,
      intermediate_size: 8192,
      num_hidden_layers: 32,
      num_attention_heads: 32,
      num_key_value_heads: 32,
      max_position_embeddings: 4096,
      original_max_position_embeddings: 4096,
      rms_norm_eps: 1e-5,
      rope_scaling: null,
      rope_theta: 10000.0,
      sliding_window: 2047,
      tie_word_embeddings: false,
      vocab_size: 32064,
      bos_token_id: 1,
      eos_token_id: 32000,
      pad_token_id: 32000,
      torch_dtype: 'bfloat16',
    },
  },
];

export function largeConfig(repo: string): KnownConfig {
  const k = LARGE_CONFIGS.find((c) => c.repo === repo);
  if (!k) throw new Error(`no large config for ${repo}`);
  return k;
}
