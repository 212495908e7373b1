/**
 * One copy of the weights (graph-runtime.ts, docs/design.md §4): the runtime shares the loaded arrays
 * and copies a tensor only on its first change; with an executor that holds the weights itself (the
 * GPU's buffers) it keeps on the CPU only the changed tensors and their loaded values, and reads the
 * rest back. Exact equality throughout: nothing here is arithmetic but W + ΔW.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryFolder } from '../io/memory';
import { tinyCheckpoint } from '../model/generate-tiny';
import { loadModel, type LoadedModel } from '../model/load';
import type { Weights } from '../model/spec';
import { buildSubBatches } from '../run/batching';
import { createCpuRuntime } from './cpu-runtime';
import type { CompiledGraph, GraphExecutor } from './executor';
import { GraphRuntime } from './graph-runtime';
import { addDelta } from './weight-layout';

const PAIRS = [
  { id: 0, prompt: 'The capital of France is', target: 'Paris' },
  { id: 1, prompt: 'The author wrote in', target: 'Danish' },
];

/** A delta of ±0.01 at every entry, different per module. */
function deltaFor(m: { dIn: number; dOut: number }, seed: number): Float32Array {
  return Float32Array.from({ length: m.dIn * m.dOut }, (_, i) => 0.01 * Math.sin(i + seed));
}

function snapshot(w: Weights): Map<string, Float32Array> {
  return new Map([...w].map(([k, t]) => [k, Float32Array.from(t.data)]));
}

describe('CPU runtime: the loaded arrays are shared, a changed tensor is copied', () => {
  let m: LoadedModel;
  let loaded: Map<string, Float32Array>;
  let rt: GraphRuntime;
  beforeAll(async () => {
    m = await loadModel(memoryFolder('tiny', tinyCheckpoint({ arch: 'llama', seed: 41 })));
    loaded = snapshot(m.weights);
    rt = await createCpuRuntime(m, { backend: 'native' });
  });
  afterAll(() => rt.dispose());

  it('holds no copy of a tensor it never changed; edits never reach the loaded arrays; reset shares them again', async () => {
    const [sb] = buildSubBatches(m.tokenizer, PAIRS, { subBatch: 2 });
    const before = await rt.logits(sb);
    for (const [name, t] of m.weights) expect((await rt.weight(name)).data, name).toBe(t.data);

    const mod = m.modules.at(-1)!;
    await rt.applyDelta(mod.name, deltaFor(mod, 1));
    expect(rt.changedWeights()).toEqual([mod.weight]);
    const edited = (await rt.weight(mod.weight)).data;
    expect(edited).not.toBe(m.weights.get(mod.weight)!.data);
    const want = Float32Array.from(loaded.get(mod.weight)!);
    addDelta(want, mod, deltaFor(mod, 1));
    expect(edited).toEqual(want);
    for (const [name, t] of m.weights) expect(t.data, name).toEqual(loaded.get(name));
    const asLoaded = await rt.weights('loaded');
    for (const [name, t] of asLoaded) expect(t.data, name).toBe(m.weights.get(name)!.data);
    expect(await rt.logits(sb)).not.toEqual(before);

    await rt.resetWeights();
    expect(rt.changedWeights()).toEqual([]);
    for (const [name, t] of m.weights) expect((await rt.weight(name)).data, name).toBe(t.data);
    expect(await rt.logits(sb)).toEqual(before);
  });
});

/** The contract of an executor with its own copy of the weights, as the WebGPU one keeps them in buffers. */
class HoldingExecutor implements GraphExecutor {
  readonly backend = 'webgpu' as const;
  readonly float16 = false;
  readonly held = new Map<string, Float32Array>();
  reads = 0;
  async holdWeights(weights: Weights): Promise<void> {
    for (const [name, t] of weights) this.held.set(name, Float32Array.from(t.data));
  }
  async readWeight(name: string): Promise<Float32Array> {
    this.reads++;
    return Float32Array.from(this.held.get(name)!);
  }
  weightChanged(name: string, data: Float32Array): void {
    this.held.get(name)!.set(data);
  }
  async compile(): Promise<CompiledGraph> {
    throw new Error('no graphs in this test');
  }
  async dispose(): Promise<void> {}
}

describe('runtime over an executor that holds the weights: the CPU keeps only the changed tensors', () => {
  it('reads the unchanged back, keeps a changed one and its loaded values, and a reset drops both', async () => {
    const m = await loadModel(memoryFolder('tiny', tinyCheckpoint({ arch: 'gpt2', seed: 42 })));
    const loaded = snapshot(m.weights);
    const ex = new HoldingExecutor();
    const rt = new GraphRuntime(m, ex);
    await rt.handOverWeights();
    // Nothing is kept: every tensor comes back from the executor.
    for (const [name, data] of loaded) expect((await rt.weight(name)).data, name).toEqual(data);
    expect(ex.reads).toBe(loaded.size);

    const [a, b] = m.modules;
    await rt.applyDelta(a.name, deltaFor(a, 2));
    await rt.applyDelta(a.name, deltaFor(a, 3));
    await rt.setWeight(b.weight, new Float32Array(loaded.get(b.weight)!.length).fill(0.5));
    expect(rt.changedWeights()).toEqual([a.weight, b.weight]);
    const want = Float32Array.from(loaded.get(a.weight)!);
    addDelta(want, a, deltaFor(a, 2));
    addDelta(want, a, deltaFor(a, 3));
    expect(ex.held.get(a.weight)).toEqual(want);
    expect(ex.held.get(b.weight)!.every((x) => x === 0.5)).toBe(true);

    ex.reads = 0;
    const current = await rt.weights();
    const asLoaded = await rt.weights('loaded');
    expect([...current.keys()]).toEqual([...loaded.keys()]); // the checkpoint's order: an export's bytes depend on it
    expect(ex.reads).toBe(2 * (loaded.size - 2)); // the two changed tensors come from the CPU
    expect(current.get(a.weight)!.data).toEqual(want);
    for (const [name, data] of loaded) expect(asLoaded.get(name)!.data, name).toEqual(data);

    await rt.resetWeights();
    expect(rt.changedWeights()).toEqual([]);
    for (const [name, data] of loaded) expect(ex.held.get(name), name).toEqual(data);
    ex.reads = 0;
    await rt.weight(a.weight);
    expect(ex.reads).toBe(1); // its CPU copy is gone
  });
});
