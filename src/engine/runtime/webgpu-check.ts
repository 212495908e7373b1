/**
 * A self-check of the WebGPU runtime against the float64 reference, for the browser e2e page (in Node
 * it runs on Dawn, gpu/node-gpu.ts). On tiny checkpoints:
 * capture loss and keys rel ≤1e-4, value gradients vs finite differences rel ≤1e-3, predict and the
 * next-token top-k = reference argmax / top-k, and an applyDelta reaches the GPU copy of the weight
 * (the loss after it matches the reference on the edited weights ≤1e-4). Throws on the first failure.
 * Also times warm captures of the same batch on this runtime and on the wasm one (in the browser the
 * page must have set the default ORT bundle's wasmPaths).
 *
 * Run it with `disableCpuFallback: true`: every node of the capture and score graphs then has to be
 * on the WebGPU EP (graph/selection.ts replaces the LogSoftmax / ArgMax / TopK nodes it would not take).
 */
import { maxRelativeError } from '../gpu/compare';
import { memoryFolder } from '../io/memory';
import { tinyCheckpoint, type TinyOptions } from '../model/generate-tiny';
import { loadModel, type LoadedModel } from '../model/load';
import { moduleOutputGradFD, referenceLoss } from '../reference/fd';
import { referenceForward } from '../reference/forward';
import { buildSubBatches, type LabeledSubBatch } from '../run/batching';
import type { ModelRuntime } from './runtime';
import { createWasmRuntime } from './wasm-runtime';
import { createWebGpuRuntime, type WebGpuRuntimeOptions } from './webgpu-runtime';

const PAIRS = [
  { id: 0, prompt: 'The capital of France is', target: 'Paris' },
  { id: 1, prompt: 'Which river flows through the city? The river is', target: 'the Oleander River' },
  { id: 2, prompt: 'The author wrote in', target: 'Danish' },
];

export const CHECK_MODELS: TinyOptions[] = [
  { arch: 'gpt2', seed: 31 },
  { arch: 'llama', seed: 32, heads: 4, kvHeads: 2 },
];

export interface RuntimeCheck {
  model: string;
  loss: number;
  keys: number;
  grads: number;
  edit: number;
  /** Capture graph ONNX node count. */
  nodes: number;
  /** Median warm capture time (session created, weights uploaded), same sub-batch, every module, ms. */
  webgpuMs: number;
  wasmMs: number;
}

async function tiny(opts: TinyOptions): Promise<{ m: LoadedModel; sb: LabeledSubBatch }> {
  const m = await loadModel(memoryFolder('tiny', tinyCheckpoint(opts)));
  const [sb] = buildSubBatches(m.tokenizer, PAIRS, { subBatch: 3 });
  return { m, sb };
}

const label = (o: TinyOptions) => `${o.arch}${o.kvHeads && o.heads && o.kvHeads < o.heads ? ` GQA ${o.heads}/${o.kvHeads}` : ''}`;

/** Indices of the k largest values, descending, first index on ties. */
function topIndices(x: ArrayLike<number>, k: number): number[] {
  return Array.from(x, (_, i) => i)
    .sort((a, b) => x[b] - x[a] || a - b)
    .slice(0, k);
}

export async function checkWebGpuRuntime(
  device: GPUDevice,
  opts: WebGpuRuntimeOptions = {},
  models = CHECK_MODELS,
): Promise<RuntimeCheck[]> {
  const out: RuntimeCheck[] = [];
  for (const o of models) {
    const name = label(o);
    const fail = (msg: string) => {
      throw new Error(`webgpu runtime check, ${name}: ${msg}`);
    };
    const { m, sb } = await tiny(o);
    const rt = await createWebGpuRuntime(m, device, opts);
    try {
      const names = m.modules.map((x) => x.name);
      let t0 = performance.now();
      const lap = (what: string) => {
        const t = performance.now();
        console.log(`[webgpu-check] ${name} ${what} ${(t - t0).toFixed(0)} ms`);
        t0 = t;
      };
      const cap = await rt.capture(sb, names);
      lap('capture (session)');
      const refLoss = referenceLoss(m.spec, m.weights, sb);
      const ref = referenceForward(m.spec, m.weights, sb, { capture: names });
      const lossErr = Math.abs(cap.loss - refLoss) / refLoss;
      if (!(lossErr <= 1e-4)) fail(`loss rel ${lossErr}`);
      let worstK = 0,
        worstG = 0;
      for (const c of cap.modules) {
        const mod = m.modules.find((x) => x.name === c.module)!;
        const K = ref.moduleInputs.get(c.module)!;
        const keys = Array.from(sb.labelPositions).flatMap((r) => Array.from(K.subarray(r * mod.dIn, (r + 1) * mod.dIn)));
        worstK = Math.max(worstK, maxRelativeError(c.keys, keys));
        worstG = Math.max(worstG, maxRelativeError(c.grads, moduleOutputGradFD(m.spec, m.weights, sb, c.module)));
      }
      if (!(worstK <= 1e-4 && worstG <= 1e-3)) fail(`keys rel ${worstK}, grads rel ${worstG}`);
      lap('reference + FD');
      const webgpuMs = await warmCaptureMs(rt, sb, names);
      lap('warm captures');

      const V = m.spec.vocabSize;
      const pred = Array.from(await rt.predict(sb));
      const want = Array.from(sb.labelPositions, (p) => topIndices(ref.logits.subarray(p * V, (p + 1) * V), 1)[0]);
      if (pred.join() !== want.join()) fail(`predict ${pred} ≠ reference ${want}`);
      lap('predict');
      const prompt = Array.from(sb.inputIds.subarray(0, sb.seqLen)).filter((_, t) => sb.attentionMask[t]);
      const next = await rt.nextTokens(prompt, 4);
      const last = referenceForward(m.spec, m.weights, {
        batch: 1,
        seqLen: prompt.length,
        inputIds: prompt,
        attentionMask: prompt.map(() => 1),
      }).logits;
      const wantNext = topIndices(last.subarray((prompt.length - 1) * V), 4);
      if (next.ids.join() !== wantNext.join()) fail(`next-token top-4 ${next.ids} ≠ reference ${wantNext}`);
      lap('next tokens');

      // a uniform ΔW is layout-independent: this checks that the edit reaches the GPU buffer
      const mod = m.modules[m.modules.length - 1];
      await rt.applyDelta(mod.name, new Float32Array(mod.dIn * mod.dOut).fill(0.05));
      const t = m.weights.get(mod.weight)!;
      const edited = new Map(m.weights).set(mod.weight, { shape: t.shape, data: t.data.map((x) => x + 0.05) });
      const after = (await rt.capture(sb, names)).loss; // same session as above
      const editErr = Math.abs(after - referenceLoss(m.spec, edited, sb)) / after;
      if (!(editErr <= 1e-4)) fail(`loss after applyDelta rel ${editErr}`);
      // The GPU holds the only copy of the weights never changed: what it gives back is what was loaded, bit for bit.
      await rt.resetWeights();
      for (const [k, t] of await rt.weights()) {
        const want = m.weights.get(k)!.data;
        if (t.data.length !== want.length || t.data.some((x, i) => x !== want[i]))
          fail(`${k} read back after a reset differs from the loaded values`);
      }
      lap('edit');
      const nodes = Math.max(...[...rt.stats().nodeCounts].filter(([k]) => k.startsWith('capture')).map(([, n]) => n));
      const wasm = await createWasmRuntime(m);
      const wasmMs = await warmCaptureMs(wasm, sb, names).finally(() => wasm.dispose());
      lap('wasm');
      out.push({ model: name, loss: lossErr, keys: worstK, grads: worstG, edit: editErr, nodes, webgpuMs, wasmMs });
    } finally {
      await rt.dispose();
    }
  }
  return out;
}

export interface Frozen16Check {
  /** Whether the device has 'shader-f16' (SwiftShader does not). */
  shaderF16: boolean;
  /** Tensors the WebGPU runtime holds in fp16, and its note when it holds them in fp32. */
  fp16Tensors: number;
  note?: string;
  /** Logits and every weight read back, bit for bit against the runtime of the fp32 load. */
  sameLogits: boolean;
  sameWeights: boolean;
}

/**
 * Frozen weights in 16 bits on WebGPU (docs/design.md §4): a tiny one-layer BF16 llama loaded with frozen16
 * runs as fp16 where the device has 'shader-f16' and as fp32 elsewhere, with the reason; either way
 * its logits and read-back weights are the bits of the fp32 load's runtime.
 */
export async function checkFrozen16(device: GPUDevice, opts: WebGpuRuntimeOptions = {}): Promise<Frozen16Check> {
  const files = tinyCheckpoint({ arch: 'llama', seed: 32, layers: 1, dtype: 'BF16' });
  const m32 = await loadModel(memoryFolder('tiny', files));
  const m16 = await loadModel(memoryFolder('tiny', files), { frozen16: true });
  const [sb] = buildSubBatches(m32.tokenizer, PAIRS.slice(0, 1), { subBatch: 1 });
  let t0 = performance.now();
  const lap = (what: string) => {
    const t = performance.now();
    console.log(`[webgpu-check] frozen16 ${what} ${(t - t0).toFixed(0)} ms`);
    t0 = t;
  };
  lap('load');
  const rt32 = await createWebGpuRuntime(m32, device, opts);
  const rt16 = await createWebGpuRuntime(m16, device, opts);
  lap('upload');
  try {
    const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);
    const same = (a: Float32Array, b: Float32Array) => a.length === b.length && bits(a).every((x, i) => x === bits(b)[i]);
    const l16 = await rt16.logits(sb);
    lap('logits (session)');
    const sameLogits = same(l16, await rt32.logits(sb));
    lap('logits (session)');
    const w16 = await rt16.weights();
    let sameWeights = true;
    for (const [k, t] of await rt32.weights()) sameWeights &&= same(w16.get(k)!.data, t.data);
    const { fp16Tensors, note } = rt16.precision;
    return { shaderF16: device.features.has('shader-f16'), fp16Tensors, note, sameLogits, sameWeights };
  } finally {
    await rt32.dispose();
    await rt16.dispose();
  }
}

/** Median of `runs` captures after a first one (which creates the session and uploads weights). */
async function warmCaptureMs(rt: ModelRuntime, sb: LabeledSubBatch, modules: string[], runs = 3): Promise<number> {
  await rt.capture(sb, modules);
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await rt.capture(sb, modules);
    ts.push(performance.now() - t0);
  }
  return ts.sort((a, b) => a - b)[Math.floor(runs / 2)];
}
