/**
 * The families added after GPT-2/Llama/Qwen2/Mistral: their published configs parsed with
 * transformers' defaults, the tensors and editable modules they imply (counted against the published
 * parameter counts where the Hub states them), and the refusals, each naming the field.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../types';
import { nearestArch, parseConfig } from './config';
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
