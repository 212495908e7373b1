/**
 * Frozen weights held in 16 bits (docs/design.md §4): a BF16 checkpoint loaded with frozen16 holds
 * every frozen tensor as fp16 bits of its values times a power of two, and the graphs widen them
 * where used. The widening is exact, so logits, captures (loss, keys, value gradients), predictions
 * and an editor turn's ΔW are the same bits as with the tensors held in fp32, on both CPU runtimes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createEditor } from '../editors/registry';
import { memoryFolder } from '../io/memory';
import { tinyCheckpoint, type TinyOptions } from '../model/generate-tiny';
import { loadModel, type LoadedModel } from '../model/load';
import type { HeldWeights } from '../model/spec';
import { buildSubBatches } from '../run/batching';
import { CPU_BACKENDS } from '../graph/ort-backends';
import { createCpuRuntime } from './cpu-runtime';
import type { GraphRuntime } from './graph-runtime';

const PAIRS = [
  { id: 0, prompt: 'The capital of France is', target: 'Paris' },
  { id: 1, prompt: 'Which river flows through the city? The river is', target: 'the Oleander River' },
  { id: 2, prompt: 'The author wrote in', target: 'Danish' },
];

/** The bits of a float array, so equal means bit for bit (−0 and NaN payloads included). */
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

const CASES: [string, TinyOptions][] = [
  ['qwen2 (tied head, biases)', { arch: 'qwen2', seed: 51, dtype: 'BF16' }],
  ['gpt2 (tied head, positions, Conv1D)', { arch: 'gpt2', seed: 52, dtype: 'BF16' }],
  ['llama F16', { arch: 'llama', seed: 53, dtype: 'F16' }],
];

describe.each(CPU_BACKENDS.flatMap((b) => CASES.map(([n, o]) => [b, n, o] as const)))(
  '%s: fp16 frozen weights, %s',
  (backend, _n, opts) => {
    let m32: LoadedModel;
    let m16: LoadedModel<HeldWeights>;
    let rt32: GraphRuntime;
    let rt16: GraphRuntime;
    beforeAll(async () => {
      const files = tinyCheckpoint(opts);
      m32 = await loadModel(memoryFolder('tiny', files));
      m16 = await loadModel(memoryFolder('tiny', files), { frozen16: true });
      rt32 = await createCpuRuntime(m32, { backend });
      rt16 = await createCpuRuntime(m16, { backend });
      return async () => {
        await rt32.dispose();
        await rt16.dispose();
      };
    });

    it('holds every frozen tensor in 16 bits, the editable modules in fp32, and half the bytes of those', () => {
      const editable = new Set(m16.modules.map((m) => m.weight));
      for (const [name, t] of m16.weights) expect(t.data instanceof Uint16Array, name).toBe(!editable.has(name));
      expect(m16.fp32Reasons.size).toBe(0);
      const held = [...m16.weights.values()].reduce((n, t) => n + t.data.byteLength, 0);
      const fp32 = [...m32.weights.values()].reduce((n, t) => n + t.data.byteLength, 0);
      const frozen = [...m32.weights].filter(([k]) => !editable.has(k)).reduce((n, [, t]) => n + t.data.byteLength, 0);
      expect(rt16.precision.heldBytes).toBe(held);
      expect(rt32.precision.heldBytes).toBe(fp32);
      expect(held).toBe(fp32 - frozen / 2);
      expect(rt16.precision.fp16Tensors).toBe(m16.weights.size - editable.size);
    });

    it('gives the same bits as fp32: logits, captures, predictions, next tokens, an editor turn and the edited model', async () => {
      const sbs = buildSubBatches(m32.tokenizer, PAIRS, { subBatch: 2 });
      const mods = m32.modules.slice(-2).map((m) => m.name);
      for (const sb of sbs) expect(bits(await rt16.logits(sb))).toEqual(bits(await rt32.logits(sb)));
      const caps = async (rt: GraphRuntime) => Promise.all(sbs.map((sb) => rt.capture(sb, mods)));
      const [c32, c16] = [await caps(rt32), await caps(rt16)];
      c32.forEach((c, i) => {
        expect(c16[i].loss).toBe(c.loss);
        c.modules.forEach((mc, j) => {
          expect(bits(c16[i].modules[j].keys)).toEqual(bits(mc.keys));
          expect(bits(c16[i].modules[j].grads)).toEqual(bits(mc.grads));
        });
      });
      expect(Array.from(await rt16.predict(sbs[0]))).toEqual(Array.from(await rt32.predict(sbs[0])));
      const ids = Array.from(sbs[0].inputIds.subarray(0, 5));
      expect(await rt16.nextTokens(ids, 5)).toEqual(await rt32.nextTokens(ids, 5));

      const turn = (c: typeof c32) => createEditor('stableedit', { lr: 0.1, ridge: 10 }).turn({ subBatches: c.map((x) => x.modules) });
      const [d32, d16] = [turn(c32), turn(c16)];
      for (const [name, d] of d32.deltas) {
        expect(bits(d16.deltas.get(name)!.delta)).toEqual(bits(d.delta));
        await rt32.applyDelta(name, d.delta);
        await rt16.applyDelta(name, d16.deltas.get(name)!.delta);
      }
      expect(bits(await rt16.logits(sbs[0]))).toEqual(bits(await rt32.logits(sbs[0])));
      // An export widens the frozen tensors back to the loaded values, bit for bit.
      const [w32, w16] = [await rt32.weights(), await rt16.weights()];
      for (const [name, t] of w32) expect(bits(w16.get(name)!.data), name).toEqual(bits(t.data));
    });
  },
);

describe('a frozen tensor fp16 cannot hold exactly stays fp32, with the reason', () => {
  it('keeps the tensor fp32, says which value, and runs as the fp32 load does', async () => {
    const files = tinyCheckpoint({ arch: 'llama', seed: 54, dtype: 'BF16' });
    const name = 'model.layers.0.self_attn.q_proj.weight';
    const file = files.get('model.safetensors') as Uint8Array;
    const headerLength = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + headerLength)));
    const at = 8 + headerLength + header[name].data_offsets[0];
    const patched = file.slice();
    const dv = new DataView(patched.buffer);
    dv.setUint16(at, 0x4700, true); // 32768: fp16's top binade, so no shift
    dv.setUint16(at + 2, 0x3301, true); // ≈ 3.0e-8 with its last mantissa bit set: 2^-25·(1 + 1/128), below fp16's subnormals
    files.set('model.safetensors', patched);
    const m32 = await loadModel(memoryFolder('tiny', files));
    const m16 = await loadModel(memoryFolder('tiny', files), { frozen16: true });
    expect(m16.weights.get(name)!.data).toBeInstanceOf(Float32Array);
    expect(m16.fp32Reasons.get(name)).toMatch(/^element 1 = 3\.0\d+e-8 is not exact in fp16 next to the largest value/);
    expect(m16.fp32Reasons.size).toBe(1);
    const [rt32, rt16] = [await createCpuRuntime(m32, { backend: 'native' }), await createCpuRuntime(m16, { backend: 'native' })];
    const [sb] = buildSubBatches(m32.tokenizer, PAIRS, { subBatch: 2 });
    expect(bits(await rt16.logits(sb))).toEqual(bits(await rt32.logits(sb)));
    await rt32.dispose();
    await rt16.dispose();
  });
});
