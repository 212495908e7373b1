/**
 * Step (b) of the kit: one editing turn per editor at one model shape, stage by stage, on the lab's
 * GPU path — the model on onnxruntime-web's WebGPU EP holding the weights (frozen ones in fp16 where
 * the adapter has 'shader-f16', else widened to fp32 as they upload) and the WGSL GPU editor on the
 * same device — through the benchmark's own turn (benchmarks/src/run-case.ts) and its shapes.
 */
import { join } from 'node:path';
import type { SharedGpu } from '../../../src/engine/gpu/device';
import { createGpuContext } from '../../../src/engine/gpu/context';
import { createRunEditor } from '../../../src/engine/gpu/editor/backend-choice';
import { bundledEditorShaderSources } from '../../../src/engine/gpu/editor/shader-sources.vite';
import { tallyBuffers } from '../../../src/engine/gpu/buffer-tally';
import { loadDataset } from '../../../src/engine/data/dataset';
import { nodeFile, nodeFolder } from '../../../src/engine/io/node-files';
import { loadModel } from '../../../src/engine/model/load';
import { GraphRuntime } from '../../../src/engine/runtime/graph-runtime';
import { WebGpuExecutor, weightBufferCap } from '../../../src/engine/runtime/webgpu-runtime';
import type { EditRecord } from '../../../src/engine/types';
import { matmulPeak } from '../../../benchmarks/src/matmul-peak';
import { parameterCount, randomModel16 } from '../../../benchmarks/src/random-model';
import type { BenchResult } from '../../../benchmarks/src/result';
import { runCase } from '../../../benchmarks/src/run-case';
import { MODEL_SHAPES, type BenchProfile } from '../../../benchmarks/src/shapes';
import { peerLengths } from '../../../benchmarks/src/peer';
import { APP_DIR } from './gpu';

export const demoModel = () => loadModel(nodeFolder(join(APP_DIR, 'demo/model')));
export const demoRecords = async (p: BenchProfile) =>
  (await loadDataset(nodeFile(join(APP_DIR, 'demo/edits.eval.json')), { limit: p.nEdits * (p.turns + 1) })).records as EditRecord[];

/** The shapes of a profile, each with the depth it is built at, in order. */
export function profileShapes(p: BenchProfile): { model: string; layers: number }[] {
  const seen = new Map<string, number>();
  for (const c of p.cases) if (!seen.has(c.model)) seen.set(c.model, c.layers ?? MODEL_SHAPES[c.model].layers);
  return [...seen].map(([model, layers]) => ({ model, layers }));
}

/** The input lengths of the timed turn's records as the lab tokenizes them (turn.py --lengths). */
export async function turnLengths(p: BenchProfile) {
  const { tokenizer } = await demoModel();
  return peerLengths(tokenizer, (await demoRecords(p)).slice(p.nEdits, 2 * p.nEdits));
}

export async function kitTurns(p: BenchProfile, model: string, gpu: SharedGpu, log: (l: string) => void): Promise<BenchResult[]> {
  const { device } = gpu;
  const shape = MODEL_SHAPES[model];
  if (!shape) throw new Error(`unknown shape "${model}" (known: ${Object.keys(MODEL_SHAPES).join(', ')})`);
  const cases = p.cases.filter((c) => c.model === model);
  const layers = cases[0]?.layers ?? shape.layers;
  const demo = await demoModel();
  const records = await demoRecords(p);
  const buffers = tallyBuffers(device);
  const probe = new WebGpuExecutor(device);
  const peak = await matmulPeak(probe, p.matmulSizes, [p.subBatch * 16, shape.hidden, shape.intermediate]);
  await probe.dispose();
  log(`${model}: matmul peak ${peak.bestGflops.toFixed(0)} GFLOP/s on the WebGPU EP`);
  let t0 = performance.now();
  const loaded = randomModel16(shape, layers);
  log(
    `${model}: ${(parameterCount(loaded.weights) / 1e6).toFixed(0)} M random parameters, ${layers}/${shape.layers} layers, in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const ctx = createGpuContext(device, bundledEditorShaderSources);
  const out: BenchResult[] = [];
  for (const c of cases) {
    t0 = performance.now();
    const r = await runCase({
      label: `${model}${layers < shape.layers ? ` (${layers}/${shape.layers} layers)` : ''}`,
      model,
      editor: c.editor,
      loaded,
      tokenizer: demo.tokenizer,
      records,
      executor: new WebGpuExecutor(device),
      backendLabel: `webgpu${device.features.has('shader-f16') ? ', frozen fp16' : ', fp32 (no shader-f16)'}`,
      profile: p,
      peakGflops: peak.bestGflops,
      machinePeak: { gflops: peak.bestGflops, backend: 'webgpu' },
      memory: () => {
        const m = process.memoryUsage();
        return { jsHeapMB: m.heapUsed / 2 ** 20, rssMB: m.rss / 2 ** 20, gpuBuffersMB: buffers.live() / 2 ** 20 };
      },
      log,
      openRuntime: async (l, exec) => {
        const rt = new GraphRuntime(l, exec, { maxWeightBytes: weightBufferCap(device) });
        await rt.handOverWeights();
        return rt;
      },
      newEditor: async (editor, options) => {
        const chosen = await createRunEditor({ editor, modelBackend: 'webgpu', gpu: true, ctx, request: 'gpu', options });
        if (chosen.fallback) throw new Error(`the GPU editor did not start: ${chosen.fallback}`);
        return chosen.editor;
      },
    });
    log(`${model} ${c.editor}: case done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    out.push(r);
  }
  return out;
}
