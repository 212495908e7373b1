/**
 * A table split into row blocks (a GPU's buffer limit) gives the graphs' outputs of the whole table:
 * the embedding's lookup, the tied LM head's logits, capture, predictions and next tokens — on tiny
 * tied checkpoints (GPT-2's wte, Qwen2's embed_tokens), blocks forced small and uneven, on the CPU
 * runtime (the graphs are the same on WebGPU).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryFolder } from '../../io/memory';
import { tinyCheckpoint } from '../../model/generate-tiny';
import { loadModel, type LoadedModel } from '../../model/load';
import { buildSubBatches, type LabeledSubBatch } from '../../run/batching';
import { createCpuRuntime } from '../../runtime/cpu-runtime';
import type { GraphRuntime } from '../../runtime/graph-runtime';
import { buildCaptureGraph } from './transformer';
import { blockName, resolveWeight, rowBlocks } from './weight-blocks';

const PAIRS = [
  { id: 0, prompt: 'The capital of France is', target: 'Paris' },
  { id: 1, prompt: 'Which river flows through the city? The river is', target: 'the Oleander River' },
];

describe('row blocks', () => {
  it('cover the rows once, each within the bytes given', () => {
    expect(rowBlocks(10, 4, undefined)).toEqual([[0, 10]]);
    expect(rowBlocks(10, 4, 48)).toEqual([
      [0, 3],
      [3, 6],
      [6, 9],
      [9, 10],
    ]);
    // Llama-3.2-1B's embedding under a 1 GiB binding limit fits one block; under 256 MiB, four.
    expect(rowBlocks(128256, 2048, 2 ** 30)).toHaveLength(1);
    expect(rowBlocks(128256, 2048, 2 ** 28).map(([a, b]) => (b - a) * 2048 * 4 <= 2 ** 28)).toEqual([true, true, true, true]);
  });

  it('a block is a view of the table, not a copy', () => {
    const data = Float32Array.from({ length: 12 }, (_, i) => i);
    const weights = new Map([['w', { shape: [4, 3], data }]]);
    const b = resolveWeight(weights, blockName('w', 1, 3));
    expect(b.shape).toEqual([2, 3]);
    expect(Array.from(b.data)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(b.data.buffer).toBe(data.buffer);
    expect(() => resolveWeight(weights, 'nothing')).toThrow(/weight 'nothing' is missing/);
  });
});

describe.each([
  ['gpt2 (tied wte)', { arch: 'gpt2' as const, seed: 41 }],
  ['qwen2 (tied embed_tokens)', { arch: 'qwen2' as const, seed: 42 }],
])('%s split into row blocks = whole', (_, opts) => {
  let m: LoadedModel;
  let whole: GraphRuntime;
  let split: GraphRuntime;
  let sb: LabeledSubBatch;
  let maxWeightBytes: number;
  beforeAll(async () => {
    m = await loadModel(memoryFolder('tiny', tinyCheckpoint(opts)));
    // Four blocks, the last one short.
    maxWeightBytes = Math.ceil(m.spec.vocabSize / 3.5) * m.spec.hidden * 4;
    whole = await createCpuRuntime(m, { backend: 'wasm' });
    split = await createCpuRuntime(m, { backend: 'wasm', maxWeightBytes });
    [sb] = buildSubBatches(m.tokenizer, PAIRS, { subBatch: 2 });
  });
  afterAll(async () => {
    await whole.dispose();
    await split.dispose();
  });

  it('the graphs take the table as blocks', () => {
    const shape = { batch: 1, seqLen: 4, labels: 2, maxWeightBytes };
    const names = buildCaptureGraph(m.spec, shape, m.modules.slice(-1)).weightNames;
    const table = m.spec.arch === 'gpt2' ? 'transformer.wte.weight' : 'model.embed_tokens.weight';
    expect(names).not.toContain(table);
    expect(names.filter((n) => n.startsWith(`${table}[`))).toHaveLength(4);
  });

  it('capture, logits, predictions and next tokens equal the whole table’s', async () => {
    const mods = m.modules.map((x) => x.name);
    const [a, b] = [await whole.capture(sb, mods), await split.capture(sb, mods)];
    expect(Math.abs(a.loss - b.loss)).toBeLessThanOrEqual(1e-6 * Math.abs(a.loss));
    a.modules.forEach((c, i) => {
      expect(Array.from(b.modules[i].keys)).toEqual(Array.from(c.keys));
      const g = b.modules[i].grads;
      const err = c.grads.reduce((e, x, j) => Math.max(e, Math.abs(x - g[j])), 0) / c.grads.reduce((e, x) => Math.max(e, Math.abs(x)), 0);
      expect(err).toBeLessThanOrEqual(1e-6);
    });
    const [la, lb] = [await whole.logits(sb), await split.logits(sb)];
    const lerr = la.reduce((e, x, j) => Math.max(e, Math.abs(x - lb[j])), 0) / la.reduce((e, x) => Math.max(e, Math.abs(x)), 0);
    expect(lerr).toBeLessThanOrEqual(1e-6);
    expect(Array.from(await split.predict(sb))).toEqual(Array.from(await whole.predict(sb)));
    const ids = Array.from(sb.inputIds.subarray(0, 5));
    expect((await split.nextTokens(ids, 5)).ids).toEqual((await whole.nextTokens(ids, 5)).ids);
  });
});
