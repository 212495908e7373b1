/**
 * Browser side of e2e/real-shape.harness.spec.ts: the lab (src/engine/lab/lab.ts, what the engine
 * worker runs) on the shared WebGPU device, given a random-weight checkpoint at a known model's exact
 * configuration as a picked folder's Files: load onto WebGPU, one turn with the GPU editor (capture,
 * statistics, solve, apply), the turn's immediate evaluation, the edited weights exported (the tensors
 * never edited read back from the GPU, which holds their only copy). No demo
 * model first and one evaluation only, so it fits the suite's time on SwiftShader.
 */
import * as ort from 'onnxruntime-web/webgpu';
import asyncifyWasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { getSharedGpu } from '../../src/engine/gpu/device';
import { tallyBuffers, type BufferTally } from '../../src/engine/gpu/buffer-tally';
import { memoryEstimate } from '../../src/engine/model/memory-estimate';
import { bundledEditorShaderSources } from '../../src/engine/gpu/editor/shader-sources.vite';
import { Lab } from '../../src/engine/lab/lab';
import { DEFAULT_RUN, type RunConfig } from '../../src/engine/run/config';
import type { TurnRecord } from '../../src/engine/run/events';
import { realShapeCheckpoint, realShapeTensor } from '../../src/engine/model/real-shape';
import { bytesFile } from '../../src/engine/io/memory';
import { readSafetensorsHeader } from '../../src/engine/safetensors/header';
import { readTensorF32 } from '../../src/engine/safetensors/read';
import { bf16ToF32, f32ToBf16 } from '../../src/engine/safetensors/dtypes';
import type { Command, CommandBody, WorkerEvent } from '../../src/protocol/messages';

// Vite pre-bundles ORT, which breaks its `new URL(wasm, import.meta.url)`: name the binary ourselves.
ort.env.wasm.wasmPaths = { wasm: asyncifyWasm };

export interface RealShapeHarnessResult {
  summary: { name: string; backend: string; params: number; hidden: number; vocabSize: number };
  module: string;
  /** The GPU editor's ‖ΔW‖_F for the module (null if it reported none). */
  deltaNorm: number | null;
  weightChange: number;
  loss: number;
  immediateTokenAccuracy: number | null;
  /** Exported tensors whose shape differs from the generated checkpoint's (none expected). */
  shapeMismatches: string[];
  /** Exported tensors, the edited one aside, whose values are not exactly the checkpoint's (none expected: they are read back from the GPU). */
  valueMismatches: string[];
  warnings: string[];
  ms: { generate: number; load: number; run: number; capture: number; editor: number; evaluate: number };
  /** Peak bytes of GPU buffers alive on the device (ours and onnxruntime-web's), and the estimate for this run. */
  gpuBuffers: { peak: number; estimate: number };
}

const SEED = 15;

export async function run(
  repo: string,
  layers: number,
  dtype: 'F32' | 'BF16',
  records: string,
  maxWeightBytes?: number,
): Promise<RealShapeHarnessResult> {
  const t0 = performance.now();
  const ckpt = realShapeCheckpoint(repo, { layers, seed: SEED, dtype });
  const folder = `${repo.split('/')[1]}-${layers}L-random`;
  const files = [...ckpt.files].map(([name, data]) => {
    const f = new File([data as BlobPart], name);
    Object.defineProperty(f, 'webkitRelativePath', { value: `${folder}/${name}` });
    return f;
  });
  ckpt.files.clear();
  const t1 = performance.now();

  let tally: BufferTally | undefined;
  const events: WorkerEvent[] = [];
  let finished: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const lab = new Lab(
    (e) => {
      events.push(e);
      if (e.type === 'run/state' && (e.state === 'finished' || e.state === 'failed')) finished();
    },
    {
      siteUrl: new URL('/', location.href).href,
      gpu: async () => {
        const gpu = await getSharedGpu();
        if (gpu) tally ??= tallyBuffers(gpu.device);
        return gpu;
      },
      runStore: () => null,
      editorShaders: bundledEditorShaderSources,
      maxWeightBytes,
    },
  );
  let id = 0;
  const send = <T extends CommandBody>(c: T) => ({ ...c, id: ++id }) as unknown as Command & { type: T['type'] };
  await lab.loadModel(send({ type: 'model/load', source: { kind: 'files', files, name: folder }, backend: 'webgpu' }) as never);
  const t2 = performance.now();
  const loaded = events.find((e) => e.type === 'model/loaded');
  if (loaded?.type !== 'model/loaded') throw new Error('model did not load');
  const m = loaded.model;
  const module = m.modules.at(-1)!.name;
  await lab.scan(
    send({
      type: 'data/scan',
      slot: 'edits',
      input: { kind: 'file', file: new File([records], 'slice.zsre.jsonl') },
      options: {},
    }) as never,
  );
  const config: RunConfig = {
    ...DEFAULT_RUN,
    editor: 'stableedit',
    modules: [module],
    lr: 1e-3,
    ridge: 10,
    // Two edits: the head (49,152 × 576 and up) runs on every label row, and SwiftShader is a CPU.
    nEdits: 2,
    subBatch: 2,
    turns: 1,
    warmupTurns: 0,
    immediateEval: true,
    finalEval: false,
    sampleEvery: 0,
    checkpointEvery: 0,
    seed: 0,
  };
  await lab.startRun(send({ type: 'run/start', runId: 'r1', config, editorMath: 'gpu' }) as never);
  await done;
  const t3 = performance.now();
  const runEvents = events.flatMap((e) => (e.type === 'run/event' ? [e.event] : []));
  const failure = runEvents.find((e) => e.type === 'error');
  if (failure?.type === 'error') throw new Error(`run failed at ${failure.where}: ${failure.message}`);
  const turn = runEvents.find((e) => e.type === 'turn' && e.record.kind !== 'warmup') as { record: TurnRecord } | undefined;
  if (!turn) throw new Error('no turn was reported');
  const diag = turn.record.diagnostics.modules.find((d) => d.module === module)!;

  await lab.exportWeights(send({ type: 'export/weights' }) as never);
  const ready = events.find((e) => e.type === 'export/ready');
  if (ready?.type !== 'export/ready') throw new Error('no export');
  const file = bytesFile(ready.name, ready.bytes);
  const h = await readSafetensorsHeader(file);
  const shapeMismatches = [...ckpt.shapes]
    .filter(([name, shape]) => JSON.stringify(h.tensors.get(name)?.shape) !== JSON.stringify(shape))
    .map(([name]) => name);
  const weightName = m.arch === 'gpt2' ? `${module.replace(/^transformer\./, '')}.weight` : `${module}.weight`;
  const edited = await readTensorF32(file, h.tensors.get(weightName)!);
  const original = realShapeTensor(weightName, SEED, edited.length);
  const asFile = (x: number) => (dtype === 'BF16' ? bf16ToF32(f32ToBf16(x)) : x);
  let sq = 0;
  for (let i = 0; i < edited.length; i++) sq += (edited[i] - asFile(original[i])) ** 2;
  const valueMismatches: string[] = [];
  for (const [name, shape] of ckpt.shapes) {
    if (name === weightName) continue;
    const got = await readTensorF32(file, h.tensors.get(name)!);
    const want = realShapeTensor(
      name,
      SEED,
      shape.reduce((a, b) => a * b, 1),
    );
    if (got.some((x, i) => x !== asFile(want[i]))) valueMismatches.push(name);
  }
  const immediate = turn.record.immediate?.metrics.efficacy;
  return {
    summary: { name: m.name, backend: m.backend, params: m.params, hidden: m.hidden, vocabSize: m.vocabSize },
    module,
    deltaNorm: diag.deltaNorm,
    weightChange: Math.sqrt(sq),
    loss: turn.record.loss,
    immediateTokenAccuracy: immediate?.tokenAccuracy ?? null,
    shapeMismatches,
    valueMismatches,
    warnings: runEvents.flatMap((e) => (e.type === 'warning' ? [e.message] : [])),
    gpuBuffers: {
      peak: tally?.peak() ?? 0,
      // The run's sub-batch: 2 records of the fixture's prompts (padded to 32 tokens or less), their answers' tokens.
      estimate: memoryEstimate(ckpt.spec, {
        editedLayers: [m.modules.findIndex((x) => x.name === module)],
        batch: config.subBatch,
        seqLen: 32,
        labelRows: 16,
      }).gpu.total,
    },
    ms: {
      generate: t1 - t0,
      load: t2 - t1,
      run: t3 - t2,
      capture: turn.record.timings.capture,
      editor: turn.record.timings.editor,
      evaluate: turn.record.timings.evaluate,
    },
  };
}

declare global {
  interface Window {
    realShape: { run: typeof run };
  }
}
window.realShape = { run };
document.getElementById('out')!.textContent = 'ready';
