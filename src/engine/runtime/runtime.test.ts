/**
 * Both CPU runtimes (native onnxruntime-node and onnxruntime-web wasm) against the float64 reference
 * on tiny checkpoints of every architecture, with
 * right padding inside the sub-batch (records of different lengths) and the runtime's own bucket
 * padding on top. Tolerances: loss and keys rel ≤1e-4 (fp32 graph vs f64), value gradients rel ≤1e-3
 * against central finite differences of the reference loss.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxRelativeError } from '../gpu/compare';
import { memoryFolder } from '../io/memory';
import { tinyCheckpoint, type TinyOptions } from '../model/generate-tiny';
import type { EditableModule } from '../model/spec';
import { loadModel, type LoadedModel } from '../model/load';
import { referenceForward } from '../reference/forward';
import { moduleOutputGradFD, referenceLoss } from '../reference/fd';
import { buildSubBatches, type LabeledSubBatch } from '../run/batching';
import { Rng } from '../util/rng';
import { padLength } from './buckets';
import type { GraphRuntime } from './graph-runtime';
import { CPU_BACKENDS } from '../graph/ort-backends';
import { createCpuRuntime } from './cpu-runtime';

const CASES: [string, TinyOptions][] = [
  ['gpt2', { arch: 'gpt2', seed: 31 }],
  ['llama GQA', { arch: 'llama', seed: 32, heads: 4, kvHeads: 2 }],
  ['qwen2 biases, tied head', { arch: 'qwen2', seed: 33 }],
  ['mistral', { arch: 'mistral', seed: 34 }],
  ['llama mlp_bias', { arch: 'llama', seed: 35, mlpBias: true }],
  ['gptj', { arch: 'gptj', seed: 36 }],
  // Qwen3 and Gemma 3 differ from these only inside the graphs, checked in graph/models/transformer.test.ts.
  ['gemma2', { arch: 'gemma2', seed: 38 }],
  ['phi3', { arch: 'phi3', seed: 40 }],
];

const PAIRS = [
  { id: 0, prompt: 'The capital of France is', target: 'Paris' },
  { id: 1, prompt: 'Which river flows through the city? The river is', target: 'the Oleander River' },
  { id: 2, prompt: 'The author wrote in', target: 'Danish' },
];

const rowsOf = (x: ArrayLike<number>, rows: ArrayLike<number>, d: number) =>
  Array.from(rows).flatMap((r) => Array.from(x).slice(r * d, (r + 1) * d));
const argmax = (x: ArrayLike<number>, from: number, n: number) => {
  let best = from;
  for (let i = from; i < from + n; i++) if (x[i] > x[best]) best = i;
  return best - from;
};

/** k·ΔW at every row of the sub-batch: what an edit adds to the module's output, whatever the weight layout. */
function outputShift(m: LoadedModel, sb: LabeledSubBatch, mod: EditableModule, delta: ArrayLike<number>): Float64Array {
  const K = referenceForward(m.spec, m.weights, sb, { capture: [mod.name] }).moduleInputs.get(mod.name)!;
  const rows = sb.batch * sb.seqLen;
  const shift = new Float64Array(rows * mod.dOut);
  for (let r = 0; r < rows; r++)
    for (let i = 0; i < mod.dIn; i++)
      for (let o = 0; o < mod.dOut; o++) shift[r * mod.dOut + o] += K[r * mod.dIn + i] * delta[i * mod.dOut + o];
  return shift;
}

const RUNS = CPU_BACKENDS.flatMap((backend) => CASES.map(([name, opts]) => [backend, name, opts] as const));

describe.each(RUNS)('%s runtime vs reference: %s', (backend, name, opts) => {
  let m: LoadedModel;
  let rt: GraphRuntime;
  let sb: LabeledSubBatch;
  beforeAll(async () => {
    m = await loadModel(memoryFolder('tiny', tinyCheckpoint(opts)));
    rt = await createCpuRuntime(m, { backend });
    [sb] = buildSubBatches(m.tokenizer, PAIRS, { subBatch: 3 });
  });
  afterAll(() => rt.dispose());

  it('batch has padding and an unaligned length (so the bucket padding is exercised)', () => {
    expect(Array.from(sb.attentionMask).includes(0)).toBe(true);
    expect(sb.seqLen % 8).not.toBe(0);
  });

  it('capture: loss and keys = reference, grads = finite differences', async () => {
    const edited = m.modules.map((x) => x.name); // every layer: backward reaches layer 0
    const cap = await rt.capture(sb, edited);
    const refLoss = referenceLoss(m.spec, m.weights, sb);
    expect(Math.abs(cap.loss - refLoss) / Math.abs(refLoss)).toBeLessThanOrEqual(1e-4);
    const ref = referenceForward(m.spec, m.weights, sb, { capture: edited });
    const errs: string[] = [];
    for (const c of cap.modules) {
      const mod = m.modules.find((x) => x.name === c.module)!;
      expect(c.rows).toBe(sb.labelPositions.length);
      const kErr = maxRelativeError(c.keys, rowsOf(ref.moduleInputs.get(c.module)!, sb.labelPositions, mod.dIn));
      const gErr = maxRelativeError(c.grads, moduleOutputGradFD(m.spec, m.weights, sb, c.module));
      errs.push(`${c.module}: keys ${kErr.toExponential(1)} grads ${gErr.toExponential(1)}`);
      expect(kErr, `${c.module}.keys`).toBeLessThanOrEqual(1e-4);
      expect(gErr, `${c.module}.grads`).toBeLessThanOrEqual(1e-3);
    }
    console.log(`[${backend} ${name}] loss rel ${(Math.abs(cap.loss - refLoss) / refLoss).toExponential(1)}; ${errs.join('; ')}`);
  });

  it('capture returns modules in the order asked, and extra length padding changes nothing', async () => {
    const names = m.modules.map((x) => x.name).reverse();
    const a = await rt.capture(sb, names);
    expect(a.modules.map((c) => c.module)).toEqual(names);
    const b = await rt.capture(padLength(sb, sb.seqLen + 11), names);
    expect(Math.abs(a.loss - b.loss)).toBeLessThanOrEqual(1e-6 * Math.abs(a.loss));
    a.modules.forEach((c, i) => {
      expect(maxRelativeError(b.modules[i].keys, c.keys)).toBeLessThanOrEqual(1e-6);
      expect(maxRelativeError(b.modules[i].grads, c.grads)).toBeLessThanOrEqual(1e-5);
    });
  });

  it('predict = argmax of the reference logits at the label positions; nextTokens = reference softmax', async () => {
    const V = m.spec.vocabSize;
    const logits = referenceForward(m.spec, m.weights, sb).logits;
    const got = await rt.predict(sb);
    expect(Array.from(got)).toEqual(Array.from(sb.labelPositions, (p) => argmax(logits, p * V, V)));

    const ids = Array.from(sb.inputIds.subarray(0, 5));
    const k = 5;
    const next = await rt.nextTokens(ids, k);
    const last = referenceForward(m.spec, m.weights, {
      batch: 1,
      seqLen: 5,
      inputIds: ids,
      attentionMask: [1, 1, 1, 1, 1],
    }).logits.subarray(4 * V, 5 * V);
    const max = Math.max(...last);
    const z = last.reduce((s, x) => s + Math.exp(x - max), 0);
    const order = Array.from(last, (_, j) => j)
      .sort((x, y) => last[y] - last[x])
      .slice(0, k);
    expect(next.ids).toEqual(order);
    expect(
      maxRelativeError(
        next.probs,
        order.map((j) => Math.exp(last[j] - max) / z),
      ),
    ).toBeLessThanOrEqual(1e-4);
  });

  it('applyDelta changes the module output by k·ΔW (reference with that output shift agrees)', async () => {
    const edited = await createCpuRuntime(m, { backend });
    const mod = m.modules[m.modules.length - 1];
    const delta = new Rng(7).normals(mod.dIn * mod.dOut, 0.3);
    await edited.applyDelta(mod.name, Float32Array.from(delta));
    const shift = outputShift(m, sb, mod, delta);
    const refLoss = referenceLoss(m.spec, m.weights, sb, new Map([[mod.name, shift]]));
    const cap = await edited.capture(sb, [mod.name]);
    expect(Math.abs(cap.loss - refLoss) / refLoss).toBeLessThanOrEqual(1e-4);
    expect(Math.abs(cap.loss - referenceLoss(m.spec, m.weights, sb))).toBeGreaterThan(1e-3); // the edit did something
    // the source model is untouched, and setWeight restores the edited tensor exactly
    await edited.setWeight(mod.weight, m.weights.get(mod.weight)!.data);
    expect((await edited.weights()).get(mod.weight)!.data).toEqual(m.weights.get(mod.weight)!.data);
    expect((await edited.capture(sb, [mod.name])).loss).toBe((await rt.capture(sb, [mod.name])).loss);
    await edited.dispose();
  });

  it('predictFrom the residual captured before an edit of the top block = reference argmax of the edited model', async () => {
    const edited = await createCpuRuntime(m, { backend });
    const mod = m.modules[m.modules.length - 1];
    const cap = await edited.capture(sb, [mod.name], { residual: true });
    const r = cap.residual!;
    expect(r.layer).toBe(mod.layer);
    expect(r.data.length).toBe(sb.batch * r.seqLen * m.spec.hidden);
    expect(r.seqLen).toBeGreaterThan(sb.seqLen); // bucket padding: the residual is at the runtime's length
    const delta = new Rng(8).normals(mod.dIn * mod.dOut, 0.5);
    await edited.applyDelta(mod.name, Float32Array.from(delta));
    const shift = outputShift(m, sb, mod, delta);
    const V = m.spec.vocabSize;
    const logits = referenceForward(m.spec, m.weights, sb, { outputShift: new Map([[mod.name, shift]]) }).logits;
    const want = Array.from(sb.labelPositions, (p) => argmax(logits, p * V, V));
    const before = referenceForward(m.spec, m.weights, sb).logits;
    expect(want).not.toEqual(Array.from(sb.labelPositions, (p) => argmax(before, p * V, V))); // the edit changed predictions
    expect(Array.from(await edited.predictFrom(sb, r))).toEqual(want);
    expect(Array.from(await edited.predict(sb))).toEqual(want);
    await expect(edited.predictFrom(sb, { ...r, seqLen: r.seqLen + 8 })).rejects.toThrow(/the residual has/);
    await edited.dispose();
  });

  it('reuses one session across sub-batches of the same bucket', async () => {
    const fresh = await createCpuRuntime(m, { backend });
    const mod = [m.modules[0].name];
    const other: LabeledSubBatch = {
      ...sb,
      inputIds: sb.inputIds.map((id, i) => (sb.attentionMask[i] ? (id * 7 + 3) % m.tokenizer.vocabSize : 0)),
    };
    const a = await fresh.capture(sb, mod);
    const b = await fresh.capture(other, mod);
    const c = await fresh.capture(padLength(sb, Math.ceil(sb.seqLen / 8) * 8), mod); // same bucket, already aligned
    expect(fresh.stats().sessionsCreated).toBe(1);
    expect(Math.abs(b.loss - referenceLoss(m.spec, m.weights, other)) / b.loss).toBeLessThanOrEqual(1e-4);
    expect(c.loss).toBe(a.loss);
    await fresh.dispose();
  });
});

describe('runtime input errors', () => {
  it('names the module, the weight and the record', async () => {
    const m = await loadModel(memoryFolder('tiny', tinyCheckpoint({ arch: 'llama', seed: 1 })));
    const rt = await createCpuRuntime(m);
    const [sb] = buildSubBatches(m.tokenizer, PAIRS, { subBatch: 3 });
    await expect(rt.capture(sb, ['model.layers.9.mlp.down_proj'])).rejects.toThrow(
      /module 'model.layers.9.mlp.down_proj': is not an editable module/,
    );
    await expect(rt.applyDelta(m.modules[0].name, new Float32Array(3))).rejects.toThrow(
      /delta for module 'model.layers.0.mlp.down_proj': has 3 values/,
    );
    await expect(rt.setWeight('nope.weight', new Float32Array(1))).rejects.toThrow(/weight 'nope.weight'/);
    const bad = { ...sb, inputIds: sb.inputIds.map((x, i) => (i === 1 ? 99999 : x)) };
    await expect(rt.predict(bad)).rejects.toThrow(/records \[.*\]: input id 99999 at row 0, position 1/);
    await rt.dispose();
  });

  it('names a backend that is not one', async () => {
    const m = await loadModel(memoryFolder('tiny', tinyCheckpoint({ arch: 'llama', seed: 1 })));
    await expect(createCpuRuntime(m, { backend: 'cuda' as 'wasm' })).rejects.toThrow(/'cuda' is not one of native, wasm/);
    expect((await createCpuRuntime(m)).backend).toBe('native'); // Node's default
  });
});
