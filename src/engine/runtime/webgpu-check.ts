/**
 * A self-check of the WebGPU runtime against the float64 reference, for the browser e2e page (ORT's
 * WebGPU EP does not run under Node, so runtime.test.ts cannot cover it). On tiny checkpoints of every
 * architecture: capture loss and keys rel ≤1e-4, value gradients vs finite differences rel ≤1e-3,
 * predict = reference argmax, and an applyDelta reaches the GPU copy of the weight. Returns one line
 * per architecture and throws on the first failure.
 *
 * Verified by hand in headless Chromium (SwiftShader) with CPU fallback allowed: all four pass at
 * ~1e-7. With `disableCpuFallback` session creation fails today: ORT's WebGPU EP places LogSoftmax
 * (cross-entropy, score graph) and the int64→int32 Casts after ArgMax/TopK on the CPU.
 */
import { relErr } from '../graph/gradcheck';
import { memoryFolder } from '../io/memory';
import { tinyCheckpoint } from '../model/generate-tiny';
import { loadModel } from '../model/load';
import type { Architecture } from '../model/spec';
import { moduleOutputGradFD, referenceLoss } from '../reference/fd';
import { referenceForward } from '../reference/forward';
import { buildSubBatches } from '../run/batching';
import { createWebGpuRuntime, type WebGpuRuntimeOptions } from './webgpu-runtime';

const PAIRS = [
  { id: 0, prompt: 'The capital of France is', target: 'Paris' },
  { id: 1, prompt: 'Which river flows through the city? The river is', target: 'the Oleander River' },
  { id: 2, prompt: 'The author wrote in', target: 'Danish' },
];

export async function checkWebGpuRuntime(device: GPUDevice, opts: WebGpuRuntimeOptions = {}): Promise<string[]> {
  const lines: string[] = [];
  const fail = (msg: string) => {
    throw new Error(`webgpu runtime check: ${msg}`);
  };
  for (const arch of ['gpt2', 'llama', 'qwen2', 'mistral'] as Architecture[]) {
    const m = await loadModel(memoryFolder('tiny', tinyCheckpoint({ arch, seed: 31 })));
    const rt = await createWebGpuRuntime(m, device, opts);
    try {
      const [sb] = buildSubBatches(m.tokenizer, PAIRS, { subBatch: 3 });
      const names = m.modules.map((x) => x.name);
      const cap = await rt.capture(sb, names);
      const refLoss = referenceLoss(m.spec, m.weights, sb);
      const ref = referenceForward(m.spec, m.weights, sb, { capture: names });
      const lossErr = Math.abs(cap.loss - refLoss) / refLoss;
      if (!(lossErr <= 1e-4)) fail(`${arch} loss rel ${lossErr}`);
      let worstK = 0, worstG = 0;
      for (const c of cap.modules) {
        const mod = m.modules.find((x) => x.name === c.module)!;
        const K = ref.moduleInputs.get(c.module)!;
        const keys = Array.from(sb.labelPositions).flatMap((r) => Array.from(K.subarray(r * mod.dIn, (r + 1) * mod.dIn)));
        worstK = Math.max(worstK, relErr(c.keys, keys));
        worstG = Math.max(worstG, relErr(c.grads, moduleOutputGradFD(m.spec, m.weights, sb, c.module)));
      }
      if (!(worstK <= 1e-4 && worstG <= 1e-3)) fail(`${arch} keys rel ${worstK}, grads rel ${worstG}`);
      const V = m.spec.vocabSize;
      const pred = Array.from(await rt.predict(sb));
      const want = Array.from(sb.labelPositions, (p) => {
        const row = ref.logits.subarray(p * V, (p + 1) * V);
        return row.indexOf(Math.max(...row));
      });
      if (pred.join() !== want.join()) fail(`${arch} predict ${pred} ≠ reference ${want}`);
      // a uniform ΔW is layout-independent: this checks that the edit reaches the GPU buffer
      const mod = m.modules[m.modules.length - 1];
      await rt.applyDelta(mod.name, new Float32Array(mod.dIn * mod.dOut).fill(0.05));
      const t = m.weights.get(mod.weight)!;
      const edited = new Map(m.weights).set(mod.weight, { shape: t.shape, data: t.data.map((x) => x + 0.05) });
      const after = (await rt.capture(sb, [mod.name])).loss;
      const editErr = Math.abs(after - referenceLoss(m.spec, edited, sb)) / after;
      if (!(editErr <= 1e-4)) fail(`${arch} loss after applyDelta rel ${editErr}`);
      lines.push(`${arch}: loss ${lossErr.toExponential(1)} keys ${worstK.toExponential(1)} grads ${worstG.toExponential(1)} predict ok, edit ${editErr.toExponential(1)}`);
    } finally {
      await rt.dispose();
    }
  }
  return lines;
}
