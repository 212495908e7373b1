/**
 * The memory estimate (memory-estimate.ts) from a config: its parts counted exactly, and its total
 * against the GPU buffers a real-shape run held in Chromium (README "Real shapes"), counted as they
 * were created and destroyed (SwiftShader's process RSS also holds its shader compiler, so it is not used).
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from './config';
import { KNOWN_CONFIGS, knownConfig } from './known-configs';
import { memoryEstimate } from './memory-estimate';
import { editableModules } from './modules';
import { largeConfig, LARGE_CONFIGS } from './large-configs';
import { gpuEstimate, KNOWN_MODELS } from './presets';

const MiB = 2 ** 20;

/** A known model's config with fewer layers, as real-shape.ts builds it. */
function fewer(repo: string, layers: number) {
  const base = knownConfig(repo).config;
  return parseConfig(
    {
      ...base,
      ...(base.model_type === 'gpt2' ? { n_layer: layers } : { num_hidden_layers: layers }),
      ...(base.max_window_layers !== undefined ? { max_window_layers: layers } : {}),
    },
    repo,
  );
}

describe('memory estimate', () => {
  it('counts every parameter of the published configs once (tied embeddings once), 4 bytes each on the GPU', () => {
    for (const k of KNOWN_CONFIGS) {
      const e = memoryEstimate(parseConfig(k.config, k.repo), { editedLayers: [], batch: 1, seqLen: 8, labelRows: 1 });
      expect(e.params, k.repo).toBe(k.params);
      expect(e.gpu.weights, k.repo).toBe(4 * k.params);
    }
  });

  it("counts the GPU editor's buffers per edited module and the worker's two copies of it", () => {
    const spec = parseConfig(knownConfig('meta-llama/Llama-3.2-1B').config, 'llama');
    const down = editableModules(spec).find((m) => m.layer === 13)!;
    expect([down.dIn, down.dOut]).toEqual([8192, 2048]);
    const one = memoryEstimate(spec, { editedLayers: [13], batch: 1, seqLen: 8, labelRows: 1 });
    expect(one.gpu.editor).toBe(4 * (2 * 8192 * 2048 + 3 * 2048 * 2048));
    expect(one.worker.steady).toBe(4 * 2 * 8192 * 2048);
    const three = memoryEstimate(spec, { editedLayers: [11, 12, 13], batch: 1, seqLen: 8, labelRows: 1 });
    expect(three.gpu.editor).toBe(3 * one.gpu.editor);
    // Activations are kept from the lowest edited block up: editing lower keeps more.
    expect(three.gpu.activations).toBeGreaterThan(one.gpu.activations);
  });

  it('agrees with the GPU buffers a real-shape run held at its peak (README "Real shapes"), within the stated bound', () => {
    // e2e/real-shape.harness.spec.ts: SmolLM2-135M, 1 layer, layer 0 edited, sub-batches of 2 records; the peak of
    // live GPU buffers (ours and onnxruntime-web's, gpu/buffer-tally.ts) was 209 MiB. The estimate leaves out
    // onnxruntime-web's reuse cache, so it may be below the measurement, by at most the harness's 1.6×.
    const e = memoryEstimate(fewer('HuggingFaceTB/SmolLM2-135M', 1), { editedLayers: [0], batch: 2, seqLen: 32, labelRows: 16 });
    const measured = 209 * MiB;
    expect(e.gpu.total).toBeLessThanOrEqual(measured);
    expect(e.gpu.total * 1.6).toBeGreaterThanOrEqual(measured);
  });

  it('GPT-J-6B (the paper’s fourth model) at its paper preset, Gemma-3-1B at its preset, and the other large configs: every parameter once, the editor per fc_out', () => {
    const gptj = largeConfig('EleutherAI/gpt-j-6b');
    const spec = parseConfig(gptj.config, gptj.repo);
    const layers = [...Array.from({ length: 8 }, (_, i) => 8 + i), 22, 23, 24]; // StableEdit Table 6
    const e = gpuEstimate(spec, gptj.repo);
    expect(e.params).toBe(gptj.params);
    expect(e.gpu.weights).toBe(4 * gptj.params); // 24.2 GB in fp32: beyond a laptop GPU
    // fc_out is [4096, 16384]: ΔW and KᵀG [16384, 4096], three [4096, 4096] for the covariance and its work.
    expect(e.gpu.editor).toBe(layers.length * 4 * (2 * 16384 * 4096 + 3 * 4096 * 4096));
    // Gemma-3-1B at its preset (layers 22–24 of 26): down_proj is [1152, 6912].
    const g3 = parseConfig(knownConfig('google/gemma-3-1b-pt').config, 'gemma-3-1b');
    const g3e = gpuEstimate(g3, 'google/gemma-3-1b-pt');
    expect(g3e.params).toBe(999_885_952);
    expect(g3e.gpu.editor).toBe(3 * 4 * (2 * 6912 * 1152 + 3 * 1152 * 1152));
    for (const k of LARGE_CONFIGS)
      expect(memoryEstimate(parseConfig(k.config, k.repo), { editedLayers: [], batch: 1, seqLen: 8, labelRows: 1 }).params, k.repo).toBe(
        k.params,
      );
  });

  it('the picker shows the estimate of each known model at its preset, above the fp32 weights alone', () => {
    for (const m of KNOWN_MODELS) {
      expect(m.gpu.total, m.repo).toBe(m.gpu.weights + m.gpu.editor + m.gpu.activations);
      expect(m.gpu.weights, m.repo).toBe(4 * m.params);
      expect(m.gpu.editor, m.repo).toBeGreaterThan(0);
    }
  });

  it('with frozen16 counts 2 bytes for every tensor but the editable modules, as the loader held them', () => {
    // Measured (benchmarks/node/weights16.ts, real-shape BF16 checkpoints, 2 layers, the runtime's held bytes):
    // SmolLM2-135M 71 MiB in 16 bits against 135 MiB in fp32, Qwen2.5-0.5B 333 against 633 MiB.
    const held = { 'HuggingFaceTB/SmolLM2-135M': [71, 135], 'Qwen/Qwen2.5-0.5B': [333, 633] };
    for (const [repo, [mib16, mib32]] of Object.entries(held)) {
      const spec = fewer(repo, 2);
      const o = { editedLayers: [1], batch: 1, seqLen: 8, labelRows: 1 };
      const [e32, e16] = [memoryEstimate(spec, o), memoryEstimate(spec, { ...o, frozen16: true })];
      const editable = editableModules(spec).reduce((n, m) => n + m.dIn * m.dOut, 0);
      expect(e16.gpu.weights, repo).toBe(2 * e16.params + 2 * editable);
      expect(Math.round(e32.gpu.weights / MiB), repo).toBe(mib32);
      expect(Math.round(e16.gpu.weights / MiB), repo).toBe(mib16);
      expect(e16.gpu.editor).toBe(e32.gpu.editor);
    }
    // GPT-2's Hub files are fp32: the picker's 16-bit figure is its fp32 one. The others' are BF16: half the
    // bytes but for the editable modules' weights (14–22 % of these models).
    for (const k of KNOWN_CONFIGS) {
      const m = KNOWN_MODELS.find((x) => x.repo === k.repo)!;
      if (k.config.torch_dtype !== 'bfloat16') expect(m.gpu16, k.repo).toEqual(m.gpu);
      else {
        // Gemma-3-270M's embedding is 63 % of it and its editable modules 9 %: 0.54.
        expect(m.gpu16.weights, m.repo).toBeGreaterThan(0.53 * m.gpu.weights);
        expect(m.gpu16.weights, m.repo).toBeLessThan(0.62 * m.gpu.weights);
      }
    }
  });
});
