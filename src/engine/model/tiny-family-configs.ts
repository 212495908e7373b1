/**
 * config.json of the tiny checkpoints (generate-tiny.ts) for the families added after the first four:
 * the fields each family's published configs carry, at tiny sizes, with every feature the lab
 * implements switched on so the tests exercise it: GPT-J's partial interleaved rotary, Qwen3's own
 * head_dim, Gemma 2's soft caps at values that bend the scores, a sliding window that binds at the
 * tests' lengths, Gemma 3's local/global rope with linear scaling on the global layers, Phi-3's
 * partial rotary with LongRoPE.
 */
import type { TinyOptions } from './generate-tiny';

type Family = 'gptj' | 'qwen3' | 'gemma2' | 'gemma3_text' | 'phi3';

export interface TinyFamilyOptions extends TinyOptions {
  arch: Family;
  hidden: number;
  heads: number;
  layers: number;
  maxPositions: number;
  torchDtype: string;
}

export function tinyFamilyConfig(o: TinyFamilyOptions, vocabSize: number, bosId: number, eosId: number): Record<string, unknown> {
  const { hidden, heads, layers, maxPositions } = o;
  const kv = o.kvHeads ?? Math.max(1, heads / 2);
  const common = {
    bos_token_id: bosId,
    eos_token_id: eosId,
    vocab_size: vocabSize,
    torch_dtype: o.torchDtype,
    transformers_version: '4.53.0',
  };
  if (o.arch === 'gptj') {
    return {
      architectures: ['GPTJForCausalLM'],
      model_type: 'gptj',
      activation_function: 'gelu_new',
      n_embd: hidden,
      n_head: heads,
      n_layer: layers,
      n_positions: maxPositions,
      n_inner: o.intermediate ?? null,
      // Half of each 4-dim head rotates (GPT-J-6B: 64 of 256).
      rotary_dim: hidden / heads / 2,
      layer_norm_epsilon: 1e-5,
      tie_word_embeddings: false,
      ...common,
    };
  }
  const llamaLike = {
    hidden_size: hidden,
    intermediate_size: o.intermediate ?? 2 * hidden,
    num_hidden_layers: layers,
    num_attention_heads: heads,
    num_key_value_heads: kv,
    max_position_embeddings: maxPositions,
    attention_dropout: 0.0,
    ...common,
  };
  const window = o.window === undefined ? 3 : o.window;
  if (o.arch === 'qwen3') {
    return {
      architectures: ['Qwen3ForCausalLM'],
      model_type: 'qwen3',
      ...llamaLike,
      // head_dim independent of hidden / heads (Qwen3-0.6B: 128 with hidden 1024, 16 heads).
      head_dim: (2 * hidden) / heads,
      hidden_act: 'silu',
      attention_bias: false,
      rms_norm_eps: 1e-6,
      rope_theta: 1000000,
      rope_scaling: null,
      tie_word_embeddings: o.tied ?? true,
      use_sliding_window: o.window != null,
      sliding_window: o.window ?? null,
      max_window_layers: 1,
    };
  }
  if (o.arch === 'phi3') {
    const rotary = hidden / heads / 2; // partial_rotary_factor 0.5 (Phi-4-mini: 0.75)
    const factors = (base: number) => Array.from({ length: rotary / 2 }, (_, i) => base + 0.75 * i);
    return {
      architectures: ['Phi3ForCausalLM'],
      model_type: 'phi3',
      ...llamaLike,
      hidden_act: 'silu',
      rms_norm_eps: 1e-5,
      rope_theta: 10000.0,
      partial_rotary_factor: 0.5,
      original_max_position_embeddings: o.originalMax ?? 16,
      rope_scaling: { type: 'longrope', short_factor: factors(1), long_factor: factors(2.5) },
      sliding_window: window,
      tie_word_embeddings: o.tied ?? false,
      resid_pdrop: 0.0,
      embd_pdrop: 0.0,
    };
  }
  const g3 = o.arch === 'gemma3_text';
  return {
    architectures: [g3 ? 'Gemma3ForCausalLM' : 'Gemma2ForCausalLM'],
    model_type: o.arch,
    ...llamaLike,
    head_dim: (2 * hidden) / heads,
    hidden_activation: 'gelu_pytorch_tanh',
    // Unequal to head_dim, so a 1/√head_dim scale would show.
    query_pre_attn_scalar: 12,
    rms_norm_eps: 1e-6,
    sliding_window: window,
    tie_word_embeddings: o.tied ?? true,
    attention_bias: false,
    pad_token_id: 0,
    ...(g3
      ? {
          rope_theta: 1000000.0,
          rope_local_base_freq: 10000.0,
          rope_scaling: { rope_type: 'linear', factor: 8.0 },
          sliding_window_pattern: 2,
          final_logit_softcapping: null,
          attn_logit_softcapping: null,
        }
      : { rope_theta: 10000.0, attn_logit_softcapping: 1.5, final_logit_softcapping: 2.5 }),
  };
}
