/**
 * The families added after GPT-2/Llama/Qwen2/Mistral: their published configs parsed with
 * transformers' defaults, the tensors and editable modules they imply (counted against the published
 * parameter counts where the Hub states them), and the refusals, each naming the field.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../types';
import { nearestArch, parseConfig } from './config';
import { roundToDtype } from './config-gemma';
import { knownConfig } from './known-configs';
import { largeConfig } from './large-configs';
import { editableModules, expectedTensors, resolveModules } from './modules';

const count = (cfg: Record<string, unknown>) =>
  [...expectedTensors(parseConfig(cfg)).values()].reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);

function refusal(cfg: unknown): string {
  try {
    parseConfig(cfg);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('accepted');
}

describe('gptj', () => {
  const GPTJ = largeConfig('EleutherAI/gpt-j-6b').config;
  it('GPT-J-6B: parallel block, rotary_dim 64 of 256 interleaved, untied head with bias', () => {
    const s = parseConfig(GPTJ);
    expect(s).toMatchObject({
      arch: 'gptj',
      hidden: 4096,
      intermediate: 16384,
      layers: 28,
      heads: 16,
      kvHeads: 16,
      headDim: 256,
      maxPositions: 2048,
      norm: 'layernorm',
      rope: { theta: 10000, rotaryDim: 64, interleaved: true },
      parallelBlock: true,
      lmHeadBias: true,
      tiedEmbeddings: false,
      bosId: 50256,
      eosId: 50256,
    });
    const t = expectedTensors(s);
    expect(t.get('transformer.h.3.attn.q_proj.weight')).toEqual([4096, 4096]);
    expect(t.get('transformer.h.3.mlp.fc_in.weight')).toEqual([16384, 4096]);
    expect(t.get('lm_head.bias')).toEqual([50400]);
    expect(t.has('transformer.h.0.attn.q_proj.bias')).toBe(false);
    // wte + 28 × (ln_1, q/k/v/out, fc_in, fc_out) + ln_f + lm_head with bias, by hand:
    expect(count(GPTJ)).toBe(50400 * 4096 + 28 * (2 * 4096 + 4 * 4096 ** 2 + 2 * 4096 * 16384 + 16384 + 4096) + 2 * 4096 + 50400 * 4097);
    const m = editableModules(s)[22];
    expect(m).toEqual({
      name: 'transformer.h.22.mlp.fc_out',
      layer: 22,
      dIn: 16384,
      dOut: 4096,
      weight: 'transformer.h.22.mlp.fc_out.weight',
      layout: 'linear',
    });
    expect(() => resolveModules(s, ['transformer.h.28.mlp.fc_out'])).toThrow(
      /editable: transformer\.h\.0\.mlp\.fc_out … transformer\.h\.27\.mlp\.fc_out/,
    );
  });
  it("GPTJConfig's defaults (GPT-J-6B's) fill what the file leaves out", () => {
    expect(parseConfig({ model_type: 'gptj' })).toMatchObject({
      hidden: 4096,
      layers: 28,
      heads: 16,
      vocabSize: 50400,
      rope: { rotaryDim: 64 },
    });
  });
  it('refuses rotary_dim null or wider than a head, heads not dividing n_embd, another activation', () => {
    expect(refusal({ ...GPTJ, rotary_dim: null })).toMatch(/rotary_dim null/);
    expect(refusal({ ...GPTJ, rotary_dim: 258 })).toMatch(/rotary_dim 258 must be even and at most the head size n_embd \/ n_head = 256/);
    expect(refusal({ ...GPTJ, n_head: 15 })).toMatch(/n_embd 4096 is not divisible by n_head 15/);
    expect(refusal({ ...GPTJ, activation_function: 'gelu' })).toMatch(/activation_function "gelu"/);
  });
});

describe('other model types', () => {
  it('are refused before anything loads, naming the supported families and the nearest one', () => {
    const msg = refusal({ model_type: 'gemma3', text_config: {} });
    expect(msg).toMatch(
      /unsupported model_type "gemma3" \(a Gemma 3 image-text checkpoint; the lab reads the text-only gemma3_text ones\)/,
    );
    expect(refusal({ model_type: 'falcon' })).toMatch(/model_type "falcon" \(the nearest supported is /);
    expect(nearestArch('gemma3')).toBe('gemma3_text');
    expect(msg).toMatch(/supported: gpt2, gptj, llama, mistral, qwen2, qwen3, gemma2, gemma3_text, phi3/);
    expect(nearestArch('phi')).toBe('phi3');
    expect(nearestArch('qwen2_moe')).toBe('qwen2');
    expect(nearestArch('gemma')).toBe('gemma2');
    expect(refusal({ n_embd: 4 })).toMatch(/unsupported model_type undefined; supported/);
  });
});

describe('the attention shape, checked alike in every family (attentionHeads)', () => {
  const families: [string, Record<string, unknown>][] = [
    ['llama', knownConfig('meta-llama/Llama-3.2-1B').config],
    ['qwen3', knownConfig('Qwen/Qwen3-0.6B').config],
    ['gemma2', largeConfig('google/gemma-2-2b').config],
    ['gemma3_text', knownConfig('google/gemma-3-1b-pt').config],
    ['phi3', largeConfig('microsoft/Phi-3-mini-4k-instruct').config],
  ];
  it.each(families)('%s: kv heads that do not divide the heads, an odd head_dim, a hidden size the heads do not divide', (arch, c) => {
    expect(parseConfig(c).arch).toBe(arch);
    const heads = parseConfig(c).heads;
    expect(refusal({ ...c, num_key_value_heads: heads - 1 })).toMatch(
      new RegExp(`num_attention_heads ${heads} is not a multiple of num_key_value_heads ${heads - 1}`),
    );
    // Phi-3 rotates part of the head: its odd-dimension refusal is partial_rotary_factor's.
    expect(refusal({ ...c, head_dim: 63 })).toMatch(
      arch === 'phi3' ? /partial_rotary_factor 1 gives 63 rotary dims/ : /head_dim 63 must be even/,
    );
    // Llama and Phi-3 derive head_dim as hidden_size / num_attention_heads; Qwen3 and Gemma default it (128, 256).
    const derived = { ...c, head_dim: undefined, hidden_size: heads * 64 + 1 };
    if (arch === 'llama' || arch === 'phi3')
      expect(refusal(derived)).toMatch(
        /hidden_size \d+ is not divisible by num_attention_heads \d+ \(and config\.json gives no head_dim\)/,
      );
    else expect(parseConfig(derived).headDim).toBe(arch === 'qwen3' ? 128 : 256);
  });
});

describe('qwen3', () => {
  const Q = knownConfig('Qwen/Qwen3-0.6B').config;
  it('Qwen3-0.6B: q/k norms, head_dim 128 with hidden 1024 and 16 heads, tied, no windows', () => {
    const s = parseConfig(Q);
    expect(s).toMatchObject({
      arch: 'qwen3',
      hidden: 1024,
      heads: 16,
      kvHeads: 8,
      headDim: 128,
      qkNorm: true,
      qkvBias: false,
      tiedEmbeddings: true,
    });
    expect(s.layerWindows!.every((w) => w === null)).toBe(true);
    const t = expectedTensors(s);
    expect(t.get('model.layers.0.self_attn.q_proj.weight')).toEqual([2048, 1024]);
    expect(t.get('model.layers.0.self_attn.q_norm.weight')).toEqual([128]);
    expect(t.has('lm_head.weight')).toBe(false);
  });
  it('Qwen3Config defaults (head_dim 128, untied) and use_sliding_window on the layers from max_window_layers', () => {
    expect(parseConfig({ model_type: 'qwen3', hidden_size: 64, num_attention_heads: 4 })).toMatchObject({
      headDim: 128,
      kvHeads: 4,
      tiedEmbeddings: false,
    });
    const s = parseConfig({ ...Q, num_hidden_layers: 4, use_sliding_window: true, sliding_window: 256, max_window_layers: 2 });
    expect(s.layerWindows).toEqual([null, null, 256, 256]);
  });
  it('refuses attention_bias, heads the kv heads do not divide, a layer_types list of the wrong length', () => {
    expect(refusal({ ...Q, attention_bias: true })).toMatch(/attention_bias=true/);
    expect(refusal({ ...Q, num_key_value_heads: 5 })).toMatch(/num_attention_heads 16 is not a multiple of num_key_value_heads 5/);
    expect(refusal({ ...Q, layer_types: ['full_attention'] })).toMatch(/layer_types must list one type per layer \(28\)/);
  });
});

describe('gemma2 and gemma3_text', () => {
  const G2 = largeConfig('google/gemma-2-2b').config;
  const G3 = knownConfig('google/gemma-3-1b-pt').config;
  it('Gemma 2 2B: (1+w) norms, four per block, √2304 = 48, scale 256^−½, caps 50 and 30, local layers 0, 2, …', () => {
    const s = parseConfig(G2);
    expect(s).toMatchObject({
      normPlusOne: true,
      sandwichNorms: true,
      qkNorm: false,
      embedScale: 48,
      attnScale: 1 / 16,
      attnSoftcap: 50,
      finalSoftcap: 30,
      tiedEmbeddings: true,
      bosId: 2,
      eosId: 1,
    });
    expect(s.layerWindows!.slice(0, 4)).toEqual([4096, null, 4096, null]);
    expect(expectedTensors(s).get('model.layers.0.pre_feedforward_layernorm.weight')).toEqual([2304]);
  });
  it('Gemma 3 1B: q/k norms, no caps, five local layers (base 10,000) to one global (base 10⁶), √1152 in bfloat16', () => {
    const s = parseConfig(G3);
    expect(s).toMatchObject({
      arch: 'gemma3_text',
      qkNorm: true,
      attnSoftcap: null,
      finalSoftcap: null,
      rope: { theta: 1e6, localTheta: 10000 },
    });
    expect(s.layerWindows!.slice(0, 12)).toEqual([512, 512, 512, 512, 512, null, 512, 512, 512, 512, 512, null]);
    // √1152 = 33.941…, which bfloat16 holds as 34 (8 significant bits).
    expect(s.embedScale).toBe(34);
    // The 270M lists layer_types explicitly, with the same pattern.
    expect(parseConfig(knownConfig('google/gemma-3-270m').config).layerWindows!.filter((w) => w === null)).toHaveLength(3);
  });
  it('√hidden in the embedding dtype as transformers casts it: √3072 → 55.5 and √2048 → 45.25 in bfloat16', () => {
    expect(roundToDtype(Math.sqrt(3072), 'bfloat16')).toBe(55.5);
    expect(roundToDtype(Math.sqrt(2048), 'BF16')).toBe(45.25);
    expect(roundToDtype(Math.sqrt(2048), 'float16')).toBe(45.25);
    expect(roundToDtype(Math.sqrt(2048), 'float32')).toBe(Math.fround(Math.sqrt(2048)));
  });
  it('a global rope_scaling (linear) applies on the full-attention layers only', () => {
    const s = parseConfig({ ...G3, rope_scaling: { rope_type: 'linear', factor: 8 } });
    expect(s.rope!.scaling).toEqual({ type: 'linear', factor: 8 });
  });
  it('refuses another activation, bidirectional attention, sliding_attention with no window', () => {
    expect(refusal({ ...G2, hidden_activation: 'gelu' })).toMatch(/hidden_activation "gelu"/);
    expect(refusal({ ...G3, use_bidirectional_attention: true })).toMatch(/use_bidirectional_attention=true/);
    expect(refusal({ ...knownConfig('google/gemma-3-270m').config, sliding_window: null })).toMatch(
      /layer_types\[0\] is sliding_attention but sliding_window is null/,
    );
  });
});

describe('phi3', () => {
  const P = largeConfig('microsoft/Phi-3-mini-4k-instruct').config;
  it('Phi-3-mini-4k: fused qkv_proj and gate_up_proj, window 2047 on every layer, untied', () => {
    const s = parseConfig(P);
    expect(s).toMatchObject({ arch: 'phi3', headDim: 96, tiedEmbeddings: false, eosId: 32000 });
    expect(new Set(s.layerWindows)).toEqual(new Set([2047]));
    const t = expectedTensors(s);
    expect(t.get('model.layers.0.self_attn.qkv_proj.weight')).toEqual([9216, 3072]);
    expect(t.get('model.layers.0.mlp.gate_up_proj.weight')).toEqual([16384, 3072]);
    expect(editableModules(s)[5].name).toBe('model.layers.5.mlp.down_proj');
  });
  it('Phi-4-mini-like partial rotary 0.75 and LongRoPE: attention factor √(1 + ln 32 / ln 4096) when not given', () => {
    const f = (x: number) => Array.from({ length: 48 }, () => x);
    const s = parseConfig({
      ...P,
      num_attention_heads: 24,
      num_key_value_heads: 8,
      head_dim: 128,
      partial_rotary_factor: 0.75,
      max_position_embeddings: 131072,
      rope_scaling: { type: 'longrope', short_factor: f(1), long_factor: f(2) },
    });
    expect(s.rope!.rotaryDim).toBe(96);
    expect(s.rope!.scaling).toMatchObject({ type: 'longrope', originalMaxPositions: 4096 });
    const a = (s.rope!.scaling as { attentionFactor: number }).attentionFactor;
    expect(a).toBeCloseTo(Math.sqrt(17 / 12), 15); // ln 32 / ln 4096 = 5/12
    expect(refusal({ ...P, rope_scaling: { type: 'longrope', short_factor: f(1).slice(1), long_factor: f(1) } })).toMatch(
      /short_factor must list 48 positive numbers \(rotary dims \/ 2\), got 47 entries/,
    );
    expect(refusal({ ...P, rope_scaling: { type: 'dynamic', factor: 2 } })).toMatch(
      /rope_scaling type "dynamic" is not supported \(longrope only\)/,
    );
    expect(refusal({ ...P, partial_rotary_factor: 0.01 })).toMatch(/partial_rotary_factor 0.01/);
  });
});
