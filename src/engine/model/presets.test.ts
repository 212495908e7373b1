import { describe, expect, it } from 'vitest';
import { parseConfig } from './config';
import { KNOWN_CONFIGS, knownConfig } from './known-configs';
import { expectedTensors } from './modules';
import { labPreset, presetFor, PRESETS, type ModelIdentity } from './presets';

/** What a loaded model's summary says of it, from its config.json. */
function identity(name: string, config: Record<string, unknown>): ModelIdentity {
  const s = parseConfig(config, name);
  return { name, arch: s.arch, layers: s.layers, hidden: s.hidden, vocabSize: s.vocabSize };
}

describe('known configs', () => {
  it.each(KNOWN_CONFIGS.map((k) => [k.repo, k] as const))(
    '%s: the tensors its config implies add up to the published parameter count',
    (_, k) => {
      const spec = parseConfig(k.config, k.repo);
      let n = 0;
      for (const [, shape] of expectedTensors(spec)) n += shape.reduce((a, b) => a * b, 1);
      expect(n).toBe(k.params);
    },
  );
});

describe('presets', () => {
  it('the lab’s rule, given the paper’s Mistral-7B-v0.3 config, gives back the paper’s preset for it', () => {
    const mistral = {
      model_type: 'mistral',
      hidden_size: 4096,
      intermediate_size: 14336,
      num_hidden_layers: 32,
      num_attention_heads: 32,
      num_key_value_heads: 8,
      max_position_embeddings: 32768,
      rms_norm_eps: 1e-5,
      rope_theta: 1000000,
      sliding_window: null,
      tie_word_embeddings: false,
      vocab_size: 32768,
      bos_token_id: 1,
      eos_token_id: 2,
    };
    const rule = labPreset('mistralai/Mistral-7B-v0.3', mistral);
    const paper = presetFor(identity('mistralai/Mistral-7B-v0.3', mistral))!;
    expect(paper.by).toBe('name');
    expect(paper.preset.layers.from).toBe('paper');
    expect(rule.layers.value).toEqual(paper.preset.layers.value);
    expect(rule.lr.value).toBe(paper.preset.lr.value);
    expect(rule.ridge.value).toBe(paper.preset.ridge.value);
  });

  // Layers L−4…L−2; lr = 1e-6 · 14,336 / d_in (down_proj / c_proj input width), two significant digits.
  it.each([
    ['openai-community/gpt2', [8, 9, 10], 3072],
    ['HuggingFaceTB/SmolLM2-135M', [26, 27, 28], 1536],
    ['HuggingFaceTB/SmolLM2-360M', [28, 29, 30], 2560],
    ['Qwen/Qwen2.5-0.5B', [20, 21, 22], 4864],
    ['meta-llama/Llama-3.2-1B', [12, 13, 14], 8192],
  ] as const)('%s by name: layers %j, lr from d_in %i, λ 10, each with its source, unmeasured said', (repo, layers, dIn) => {
    const m = presetFor(identity(repo, knownConfig(repo).config))!;
    expect(m.by).toBe('name');
    const p = m.preset;
    expect(p.layers.value).toEqual(layers);
    const exact = (1e-6 * 14336) / dIn;
    expect(Math.abs(p.lr.value - exact) / exact).toBeLessThanOrEqual(0.03);
    expect(p.ridge.value).toBe(10);
    expect([p.layers.from, p.lr.from, p.ridge.from]).toEqual(['lab', 'lab', 'paper']);
    expect(p.lr.how).toContain(dIn.toLocaleString('en-US'));
    expect(p.unmeasured).toMatch(/not measured on its real weights/);
  });

  it('matches by config whatever the name: a fine-tune or a dropped folder of the same shape', () => {
    const smol = knownConfig('HuggingFaceTB/SmolLM2-135M').config;
    const m = presetFor(identity('HuggingFaceTB/SmolLM2-135M-Instruct', smol))!;
    expect(m).toMatchObject({ by: 'config', preset: { model: 'HuggingFaceTB/SmolLM2-135M' } });
    expect(presetFor(identity('my-folder', knownConfig('Qwen/Qwen2.5-0.5B').config))?.preset.model).toBe('Qwen/Qwen2.5-0.5B');
    // GPT-2 small and medium differ in shape: each gets its own.
    expect(presetFor(identity('x', knownConfig('openai-community/gpt2-medium').config))?.preset.model).toBe('openai-community/gpt2-medium');
  });

  it('a different shape matches nothing: fewer layers (the real-shape test checkpoints), another vocabulary', () => {
    const smol = knownConfig('HuggingFaceTB/SmolLM2-135M').config;
    expect(presetFor(identity('random', { ...smol, num_hidden_layers: 2 }))).toBeUndefined();
    expect(presetFor(identity('random', { ...smol, vocab_size: 49153 }))).toBeUndefined();
    // A repo of a known name whose checkpoint has another shape is not that model.
    expect(presetFor(identity('HuggingFaceTB/SmolLM2-135M', { ...smol, num_hidden_layers: 2 }))).toBeUndefined();
    expect(presetFor({ name: 'demo (built-in)', arch: 'llama', layers: 4, hidden: 128, vocabSize: 512 })).toBeUndefined();
  });

  it('every preset names a source for each number, and presets do not share a shape', () => {
    for (const p of PRESETS) for (const s of [p.layers, p.lr, p.ridge]) expect(s.how.length, p.model).toBeGreaterThan(0);
    const shapes = PRESETS.filter((p) => p.shape).map((p) => JSON.stringify(p.shape));
    expect(new Set(shapes).size).toBe(shapes.length);
  });
});
