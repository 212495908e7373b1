import { describe, expect, it } from 'vitest';
import { InputError } from '../types';
import { parseConfig } from './config';
import { editableModules, expectedTensors, resolveModules } from './modules';

// Abridged from the real files on the Hub (fields that matter kept verbatim).
const GPT2 = {
  activation_function: 'gelu_new',
  architectures: ['GPT2LMHeadModel'],
  bos_token_id: 50256,
  eos_token_id: 50256,
  layer_norm_epsilon: 1e-5,
  model_type: 'gpt2',
  n_ctx: 1024,
  n_embd: 768,
  n_head: 12,
  n_inner: null,
  n_layer: 12,
  n_positions: 1024,
  vocab_size: 50257,
};
const LLAMA32_1B = {
  architectures: ['LlamaForCausalLM'],
  attention_bias: false,
  bos_token_id: 128000,
  eos_token_id: 128001,
  head_dim: 64,
  hidden_act: 'silu',
  hidden_size: 2048,
  intermediate_size: 8192,
  max_position_embeddings: 131072,
  mlp_bias: false,
  model_type: 'llama',
  num_attention_heads: 32,
  num_hidden_layers: 16,
  num_key_value_heads: 8,
  rms_norm_eps: 1e-5,
  rope_scaling: { factor: 32.0, high_freq_factor: 4.0, low_freq_factor: 1.0, original_max_position_embeddings: 8192, rope_type: 'llama3' },
  rope_theta: 500000.0,
  tie_word_embeddings: true,
  torch_dtype: 'bfloat16',
  vocab_size: 128256,
};
const LLAMA31_8B_INSTRUCT = {
  ...LLAMA32_1B,
  hidden_size: 4096,
  intermediate_size: 14336,
  num_hidden_layers: 32,
  head_dim: undefined,
  tie_word_embeddings: false,
  eos_token_id: [128001, 128008, 128009],
  rope_scaling: { ...LLAMA32_1B.rope_scaling, factor: 8.0 },
};
const TINYLLAMA = {
  architectures: ['LlamaForCausalLM'],
  bos_token_id: 1,
  eos_token_id: 2,
  hidden_act: 'silu',
  hidden_size: 2048,
  initializer_range: 0.02,
  intermediate_size: 5632,
  max_position_embeddings: 2048,
  model_type: 'llama',
  num_attention_heads: 32,
  num_hidden_layers: 22,
  num_key_value_heads: 4,
  pretraining_tp: 1,
  rms_norm_eps: 1e-5,
  rope_scaling: null,
  tie_word_embeddings: false,
  torch_dtype: 'float32',
  vocab_size: 32000,
};
const SMOLLM2_135M = {
  architectures: ['LlamaForCausalLM'],
  attention_bias: false,
  bos_token_id: 0,
  eos_token_id: 0,
  hidden_act: 'silu',
  hidden_size: 576,
  intermediate_size: 1536,
  max_position_embeddings: 8192,
  mlp_bias: false,
  model_type: 'llama',
  num_attention_heads: 9,
  num_hidden_layers: 30,
  num_key_value_heads: 3,
  rms_norm_eps: 1e-5,
  rope_scaling: null,
  rope_theta: 100000,
  tie_word_embeddings: true,
  vocab_size: 49152,
};
const QWEN25_05B = {
  architectures: ['Qwen2ForCausalLM'],
  attention_dropout: 0.0,
  bos_token_id: 151643,
  eos_token_id: 151643,
  hidden_act: 'silu',
  hidden_size: 896,
  intermediate_size: 4864,
  max_position_embeddings: 32768,
  max_window_layers: 24,
  model_type: 'qwen2',
  num_attention_heads: 14,
  num_hidden_layers: 24,
  num_key_value_heads: 2,
  rms_norm_eps: 1e-6,
  rope_theta: 1000000.0,
  sliding_window: 32768,
  tie_word_embeddings: true,
  use_sliding_window: false,
  vocab_size: 151936,
};
const MISTRAL_7B_V01 = {
  architectures: ['MistralForCausalLM'],
  bos_token_id: 1,
  eos_token_id: 2,
  hidden_act: 'silu',
  hidden_size: 4096,
  intermediate_size: 14336,
  max_position_embeddings: 32768,
  model_type: 'mistral',
  num_attention_heads: 32,
  num_hidden_layers: 32,
  num_key_value_heads: 8,
  rms_norm_eps: 1e-5,
  rope_theta: 10000.0,
  sliding_window: 4096,
  tie_word_embeddings: false,
  vocab_size: 32000,
};

describe('parseConfig', () => {
  it('gpt2 (openai-community/gpt2)', () => {
    const s = parseConfig(GPT2);
    expect(s).toMatchObject({
      arch: 'gpt2',
      hidden: 768,
      intermediate: 3072,
      layers: 12,
      heads: 12,
      kvHeads: 12,
      headDim: 64,
      maxPositions: 1024,
      norm: 'layernorm',
      normEps: 1e-5,
      act: 'gelu_tanh',
      rope: null,
      qkvBias: true,
      tiedEmbeddings: true,
      eosId: 50256,
    });
    expect(parseConfig({ ...GPT2, n_inner: 1000 }).intermediate).toBe(1000);
  });
  it('Llama 3.2 1B: llama3 rope scaling, explicit head_dim, tied', () => {
    const s = parseConfig(LLAMA32_1B);
    expect(s).toMatchObject({
      arch: 'llama',
      hidden: 2048,
      heads: 32,
      kvHeads: 8,
      headDim: 64,
      tiedEmbeddings: true,
      qkvBias: false,
      norm: 'rmsnorm',
      act: 'silu',
      bosId: 128000,
      eosId: 128001,
      slidingWindow: null,
    });
    expect(s.rope).toEqual({
      theta: 500000,
      scaling: { type: 'llama3', factor: 32, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192 },
    });
  });
  it('Llama 3.1 8B Instruct: eos list takes the first id, untied, head_dim derived', () => {
    const s = parseConfig(LLAMA31_8B_INSTRUCT);
    expect(s).toMatchObject({ eosId: 128001, tiedEmbeddings: false, headDim: 128, intermediate: 14336 });
  });
  it('TinyLlama and SmolLM2 (odd head counts, default rope_theta)', () => {
    expect(parseConfig(TINYLLAMA)).toMatchObject({
      kvHeads: 4,
      headDim: 64,
      rope: { theta: 10000, scaling: undefined },
      tiedEmbeddings: false,
      vocabSize: 32000,
    });
    expect(parseConfig(SMOLLM2_135M)).toMatchObject({ heads: 9, kvHeads: 3, headDim: 64, tiedEmbeddings: true, rope: { theta: 100000 } });
  });
  it('Qwen2.5 0.5B: qkv bias, tied, sliding window off', () => {
    expect(parseConfig(QWEN25_05B)).toMatchObject({
      arch: 'qwen2',
      qkvBias: true,
      tiedEmbeddings: true,
      kvHeads: 2,
      headDim: 64,
      normEps: 1e-6,
      slidingWindow: null,
    });
    expect(parseConfig({ ...QWEN25_05B, use_sliding_window: true }).slidingWindow).toBe(32768);
  });
  it('Mistral 7B v0.1: sliding window recorded', () => {
    expect(parseConfig(MISTRAL_7B_V01)).toMatchObject({
      arch: 'mistral',
      slidingWindow: 4096,
      kvHeads: 8,
      qkvBias: false,
      tiedEmbeddings: false,
    });
  });
  it('rejects what it does not implement, by name', () => {
    const bad: [unknown, RegExp][] = [
      [{ model_type: 'falcon', hidden_size: 4096 }, /config\.json: unsupported model_type "falcon"/],
      [{ ...LLAMA32_1B, rope_scaling: { type: 'linear', factor: 2 } }, /rope_scaling type "linear" is not supported \(llama3 only\)/],
      [{ ...LLAMA32_1B, attention_bias: true }, /attention_bias/],
      [{ ...GPT2, activation_function: 'relu' }, /activation_function "relu"/],
      [{ ...QWEN25_05B, mlp_bias: true }, /mlp_bias=true is not a qwen2 setting/],
      [{ ...TINYLLAMA, num_key_value_heads: 5 }, /not a multiple of num_key_value_heads 5/],
      [{ ...TINYLLAMA, hidden_size: '2048' }, /hidden_size must be a positive integer/],
      [[1, 2], /not a JSON object/],
    ];
    for (const [cfg, msg] of bad) {
      let err: unknown;
      try {
        parseConfig(cfg);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(msg);
    }
  });
});

describe('modules', () => {
  it('expected tensor shapes: Llama 3.2 1B GQA and tied head', () => {
    const t = expectedTensors(parseConfig(LLAMA32_1B));
    expect(t.get('model.layers.3.self_attn.k_proj.weight')).toEqual([512, 2048]);
    expect(t.get('model.layers.3.mlp.down_proj.weight')).toEqual([2048, 8192]);
    expect(t.has('lm_head.weight')).toBe(false);
    expect(t.size).toBe(1 + 16 * 9 + 1);
    expect(expectedTensors(parseConfig(QWEN25_05B)).get('model.layers.0.self_attn.v_proj.bias')).toEqual([128]);
    expect(expectedTensors(parseConfig(TINYLLAMA)).get('lm_head.weight')).toEqual([32000, 2048]);
  });
  it("Llama's mlp_bias adds gate/up/down_proj biases (and only then)", () => {
    const withBias = expectedTensors(parseConfig({ ...SMOLLM2_135M, mlp_bias: true }));
    expect(withBias.get('model.layers.0.mlp.gate_proj.bias')).toEqual([1536]);
    expect(withBias.get('model.layers.0.mlp.up_proj.bias')).toEqual([1536]);
    expect(withBias.get('model.layers.0.mlp.down_proj.bias')).toEqual([576]);
    const without = expectedTensors(parseConfig(SMOLLM2_135M));
    expect(withBias.size - without.size).toBe(3 * 30);
    expect([...without.keys()].some((n) => n.includes('mlp') && n.endsWith('.bias'))).toBe(false);
  });
  it('GPT-2 Conv1D layout and editable modules', () => {
    const spec = parseConfig(GPT2);
    expect(expectedTensors(spec).get('transformer.h.0.mlp.c_proj.weight')).toEqual([3072, 768]);
    const mods = editableModules(spec);
    expect(mods[1]).toEqual({
      name: 'transformer.h.1.mlp.c_proj',
      layer: 1,
      dIn: 3072,
      dOut: 768,
      weight: 'transformer.h.1.mlp.c_proj.weight',
      layout: 'conv1d',
    });
    expect(resolveModules(spec, ['h.5.mlp.c_proj', 'transformer.h.2.mlp.c_proj']).map((m) => m.layer)).toEqual([2, 5]);
    expect(() => resolveModules(spec, ['transformer.h.12.mlp.c_proj'])).toThrow(
      /module 'transformer\.h\.12\.mlp\.c_proj'.*not an editable module/,
    );
  });
  it('Llama editable modules are down_proj in Linear layout', () => {
    const m = editableModules(parseConfig(MISTRAL_7B_V01));
    expect(m[28]).toMatchObject({ name: 'model.layers.28.mlp.down_proj', dIn: 14336, dOut: 4096, layout: 'linear' });
  });
});
