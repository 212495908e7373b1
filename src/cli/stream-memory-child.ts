/**
 * The child process of stream-memory.test.ts (run with `node --expose-gc --import tsx`): a streamed
 * run (records read again from a JSON Lines file, per-record scores to disk, checkpoints) on a tiny
 * model whose passes are replaced by instant stand-ins, so what is measured is what the run holds,
 * not the model's time. Prints the peak of the live heap (after a full collection at every checkpoint
 * and every evaluation chunk) as JSON.
 *   node --expose-gc --import tsx src/cli/stream-memory-child.ts MODEL DATA OUT streamed|memory
 */
import { mkdirSync } from 'node:fs';
import { loadModel } from '../engine/model/load';
import { nodeFile, nodeFolder } from '../engine/io/node-files';
import { createCpuRuntime } from '../engine/runtime/cpu-runtime';
import type { ModelRuntime } from '../engine/runtime/runtime';
import type { SubBatch } from '../engine/types';
import { indexRecords } from '../engine/data/indexed-records';
import { loadDataset } from '../engine/data/dataset';
import { Rng } from '../engine/util/rng';
import { DirStore } from '../engine/run/dir-store';
import { DEFAULT_RUN } from '../engine/run/config';
import { LifelongRun } from '../engine/run/lifelong-run';
import { PerRecordFiles } from './per-record-files';

const [modelDir, data, out, mode] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
mkdirSync(out, { recursive: true });

const model = await loadModel(nodeFolder(modelDir));
const real = await createCpuRuntime(model, {});
const module = real.modules[real.modules.length - 1];
const rng = new Rng(5);
// Instant passes: predictions 0, keys and value gradients seeded noise of the module's shape.
const predict = async (sb: SubBatch) => new Int32Array(sb.labelPositions.length);
const runtime: ModelRuntime = Object.assign(Object.create(real) as ModelRuntime, {
  predict,
  predictFrom: predict,
  capture: async (sb: SubBatch) => {
    const rows = sb.labelPositions.length;
    return {
      loss: 1,
      modules: [
        {
          module: module.name,
          rows,
          dIn: module.dIn,
          dOut: module.dOut,
          keys: Float32Array.from(rng.normals(rows * module.dIn, 1)),
          grads: Float32Array.from(rng.normals(rows * module.dOut, 1)),
        },
      ],
    };
  },
});

let live = 0;
const measure = () => {
  gc!();
  live = Math.max(live, process.memoryUsage().heapUsed);
};
const streamed = mode === 'streamed';
const target = streamed
  ? await indexRecords(nodeFile(data), { onInvalid: 'stop' }).then((ix) => ix.source(ix.valid))
  : (await loadDataset(nodeFile(data), { onInvalid: 'stop' })).records;
const run = await LifelongRun.open(
  { ...DEFAULT_RUN, modules: [module.name], lr: 1e-2, ridge: 1, wildEval: false, fluencySize: 0 },
  {
    runtime,
    tokenizer: model.tokenizer,
    target,
    store: new DirStore(out),
    perRecord: streamed ? new PerRecordFiles(out) : undefined,
    emit: (e) => {
      if (e.type === 'checkpoint' || e.type === 'progress') measure();
    },
  },
);
while (!run.done) await run.step();
const report = await run.finish();
measure();
process.stdout.write(JSON.stringify({ liveHeapBytes: live, edits: report.targetEdits, efficacy: report.final.metrics.efficacy }) + '\n');
await real.dispose();
