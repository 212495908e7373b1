/** What the model-driving commands (capture, eval, run) share: a checkpoint folder and the first N records of a dataset. */
import { loadDataset } from '../engine/data/dataset';
import { nodeFile, nodeFolder } from '../engine/io/node-files';
import { parseCpuBackend } from '../engine/graph/ort-backends';
import { loadModel, type LoadedModel } from '../engine/model/load';
import type { HeldWeights } from '../engine/model/spec';
import { createCpuRuntime } from '../engine/runtime/cpu-runtime';
import { createWebGpuRuntime, weightBufferCap } from '../engine/runtime/webgpu-runtime';
import type { SharedGpu } from '../engine/gpu/device';
import { GPU_FLAGS, wantsWebGpu } from './gpu';
import type { GraphRuntime } from '../engine/runtime/graph-runtime';
import { recordFitCheck } from '../engine/run/record-fit';
import { SINGLE_FILE } from '../engine/safetensors/checkpoint';
import { readSafetensorsHeader } from '../engine/safetensors/header';
import { InputError, type EditRecord } from '../engine/types';
import { str, UsageError, type FlagTable, type Flags } from './args';

/** The flags `loadRecordsFlag` reads, for the commands' tables. */
export const DATA_FLAGS = { data: { kind: 'string' }, 'on-invalid': { kind: 'string', choices: ['skip', 'stop'] } } satisfies FlagTable;

/**
 * `--backend native|wasm|webgpu`: which onnxruntime runs the graphs (runtimeFlag): a CPU one, or
 * onnxruntime-web's WebGPU EP on Dawn (cli/gpu.ts). `--frozen16`: hold the frozen tensors of an
 * F16/BF16 checkpoint in 16 bits (docs/design.md §4): the same numbers, about half the memory, at a
 * cost in time on the CPU (measured in README "Supported models and formats"); always on WebGPU, as in the page.
 */
export const BACKEND_FLAGS = {
  backend: { kind: 'string', choices: ['native', 'wasm', 'webgpu', 'auto'] },
  frozen16: { kind: 'bool' },
  ...GPU_FLAGS,
} satisfies FlagTable;

/**
 * The model's runtime on --backend (default: native, or wasm with a warning when onnxruntime-node
 * cannot load); with a device (gpuFlag), the WebGPU runtime, one graph built at once so a model the
 * EP cannot run fails here, not mid-run.
 */
export async function runtimeFlag(flags: Flags, model: LoadedModel<HeldWeights>, gpu: SharedGpu | null = null): Promise<GraphRuntime> {
  if (!gpu) return createCpuRuntime(model, { backend: parseCpuBackend(str(flags, 'backend', 'auto')) });
  const runtime = await createWebGpuRuntime(model, gpu.device, { maxWeightBytes: weightBufferCap(gpu.device) });
  try {
    await runtime.nextTokens([model.spec.bosId ?? 0], 1);
  } catch (e) {
    await runtime.dispose();
    throw new InputError(`--backend webgpu, --model ${str(flags, 'model')}`, `WebGPU could not run this model: ${(e as Error).message}`);
  }
  return runtime;
}

export async function loadModelFlag(flags: Flags): Promise<LoadedModel<HeldWeights>> {
  const model = await loadModel(nodeFolder(str(flags, 'model')), { frozen16: flags.frozen16 === true || wantsWebGpu(flags) });
  if (model.fp32Reasons.size)
    process.stderr.write(
      `note: frozen16: ${model.fp32Reasons.size} tensors stay fp32 (${[...model.fp32Reasons][0].join(': ')}${model.fp32Reasons.size > 1 ? '; …' : ''})\n`,
    );
  if (model.unusedTensors.length)
    process.stderr.write(
      `warning: --model ${str(flags, 'model')}: ${model.unusedTensors.length} tensors are not used by config.json ` +
        `(${model.unusedTensors.slice(0, 3).join(', ')}${model.unusedTensors.length > 3 ? ', …' : ''}); does config.json belong to these weights?\n`,
    );
  return model;
}

/**
 * The first `n` valid records of --data, or of another file flag (all of them when n is undefined).
 * `--on-invalid skip` reads past bad records (reported on stderr); the default stops at the first
 * with its record and field. With a model, a record too long for its positions is a bad record too.
 */
export async function loadRecordsFlag(flags: Flags, n?: number, flag = 'data', model?: LoadedModel<HeldWeights>): Promise<EditRecord[]> {
  const path = str(flags, flag);
  const onInvalid = str(flags, 'on-invalid', 'stop');
  if (onInvalid !== 'skip' && onInvalid !== 'stop') throw new UsageError('--on-invalid must be skip or stop');
  if (n !== undefined && !(Number.isInteger(n) && n >= 1)) throw new UsageError(`the record count must be a positive integer, got ${n}`);
  const check = model && recordFitCheck(model.tokenizer, model.spec.maxPositions);
  const { records, report } = await loadDataset(nodeFile(path), { onInvalid, limit: n, check });
  if (report.skipped > 0) {
    const first = report.issues.find((i) => i.outcome === 'skipped');
    const example = first ? ` (first: record ${first.index}, line ${first.line}, field ${first.field}: ${first.problem})` : '';
    process.stderr.write(`warning: ${path}: skipped ${report.skipped} invalid records${example}\n`);
  }
  if (records.length === 0) throw new InputError(path, 'has no valid records');
  if (n !== undefined && records.length < n) throw new InputError(path, `has ${records.length} valid records; ${n} were asked for`);
  return records;
}

/** Every name must be an editable module of the model; the message lists what is. */
export function checkModules(model: LoadedModel<HeldWeights>, names: string[]): void {
  if (names.length === 0) throw new UsageError('--modules lists no module');
  const known = new Set(model.modules.map((m) => m.name));
  for (const n of names) {
    if (!known.has(n))
      throw new InputError(
        `--modules: '${n}'`,
        `is not an editable module of ${model.name} (${model.spec.arch}); editable: ${model.modules.map((m) => m.name).join(', ')}`,
      );
  }
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new UsageError(`--modules lists '${dup}' twice`);
}

/** Edits recorded in a single-file checkpoint's metadata by `run` (edited.safetensors), or 0. */
export async function checkpointEdits(modelDir: string): Promise<number> {
  const file = await nodeFolder(modelDir).open(SINGLE_FILE);
  if (!file) return 0;
  const edits = Number((await readSafetensorsHeader(file)).metadata.edits ?? 0);
  return Number.isFinite(edits) ? edits : 0;
}
