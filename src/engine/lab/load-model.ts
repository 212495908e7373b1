/**
 * Loading a model: from the demo on this site, a Hub repository or a dropped folder, onto the
 * backend chosen before it loads (WebGPU where it can run the model, else the CPU's wasm), with
 * progress as it downloads and builds. Loading replaces the model and forgets this page's runs;
 * resetting puts the loaded weights back.
 */
import { browserCache, cachedFetch, withoutSpaFallback, type DownloadProgress } from '../io/cached-fetch';
import { fileListFolder, urlFolder } from '../io/files.web';
import { hubFolder, HUB_URL } from '../io/hub-folder';
import { loadModel as readModel, type LoadedModel } from '../model/load';
import { gpuEstimate } from '../model/presets';
import type { HeldWeights } from '../model/spec';
import type { GraphRuntime, WeightPrecision } from '../runtime/graph-runtime';
import { serialRuntime } from '../runtime/serial-runtime';
import { createWasmRuntime } from '../runtime/wasm-runtime';
import { currentHost, wasmThreadCount } from '../runtime/wasm-thread-count';
import { requestWasmThreads } from '../runtime/wasm-threads';
import { createWebGpuRuntime, weightBufferCap } from '../runtime/webgpu-runtime';
import { InputError, type FolderSource } from '../types';
import type { CommandOf, WorkerEvent } from '../../protocol/messages';
import type { ModelSummary } from './lab-types';
import { adapterFacts, chooseBackend } from './backend-choice';
import { activeRun, needModel, type LabState } from './lab-state';
import type { SavedModel } from './run-inputs';
import { recordingFolder } from './model-fingerprint';

const CACHE = 'stableedit-lab-models-v2';

export async function loadModel(lab: LabState, cmd: CommandOf<'model/load'>): Promise<void> {
  if (activeRun(lab)) throw new Error('a run is going on this model: stop it before loading another model');
  if (cmd.wasmThreads !== undefined) wasmThreadCount(currentHost(), cmd.wasmThreads); // a bad count fails before the download
  let last = 0;
  const progress = (p: Omit<Extract<WorkerEvent, { type: 'model/progress' }>, 'type' | 'replyTo'>, force = false) => {
    const now = performance.now();
    if (!force && now - last < 100) return;
    last = now;
    lab.post({ type: 'model/progress', replyTo: cmd.id, ...p });
  };
  // Throttled to one event per 100 ms, except a file's last bytes: the page always sees each file finish.
  const onBytes = (d: DownloadProgress) =>
    progress(
      {
        stage: 'download',
        done: d.done,
        total: d.total,
        unit: 'bytes',
        bytesPerSecond: d.bytesPerSecond,
        etaSeconds: d.etaSeconds,
        detail: `${d.file.name}: ${d.file.size ? `${fmtMb(d.file.done)} of ${fmtMb(d.file.size)}` : fmtMb(d.file.done)}${d.fromCache ? ` · ${fmtMb(d.fromCache)} from the browser cache` : ''}`,
      },
      d.file.size !== null && d.file.done >= d.file.size,
    );
  const net = lab.platform.fetch ?? fetch;
  const cache = (lab.platform.modelCache ?? browserCache)(CACHE);
  const src = cmd.source;
  let folder: FolderSource;
  let name: string | undefined;
  let byTensor = false;
  if (src.kind === 'demo') {
    folder = urlFolder(new URL('demo/model/', lab.platform.siteUrl).href, {
      fetch: cachedFetch(cache, onBytes, withoutSpaFallback(net)),
    });
    name = 'demo (built-in)';
  } else if (src.kind === 'hub') {
    folder = hubFolder({
      repo: src.repo,
      revision: src.revision,
      token: src.token,
      hubUrl: lab.platform.hubUrl ?? HUB_URL,
      fetch: cachedFetch(cache, onBytes, net),
    });
    name = folder.name;
  } else {
    if (src.files.length === 0) throw new InputError('model folder', 'no files were dropped or picked');
    folder = fileListFolder(src.files, src.name);
    byTensor = true;
  }
  const recorded = recordingFolder(folder);
  folder = recorded.folder;
  const target = await backendFor(lab, cmd.backend);
  // On WebGPU the frozen tensors of a 16-bit checkpoint are read in 16 bits (docs/design.md §4): exact, and
  // half the worker's memory while they load and upload. Not on the CPU: there ORT keeps the fp32
  // widenings a capture's backward pass reuses, and its peak would grow (measured in design.md §4).
  const loaded = await readModel(folder, {
    name,
    frozen16: target.decision.backend === 'webgpu',
    onProgress: byTensor
      ? (done, total, tensor) =>
          progress(
            { stage: 'tensors', done, total, unit: 'tensors', bytesPerSecond: null, etaSeconds: null, detail: tensor },
            done === total,
          )
      : undefined,
  });
  progress(
    { stage: 'runtime', done: 0, total: 0, unit: 'bytes', bytesPerSecond: null, etaSeconds: null, detail: 'building the model graphs' },
    true,
  );
  const params = [...loaded.weights.values()].reduce((n, t) => n + t.data.length, 0);
  const { runtime, note, wasmThreads } = await createRuntime(lab, loaded, cmd.backend, target, cmd.wasmThreads);
  const precision = precisionNote(runtime.precision, loaded.fp32Reasons);
  await lab.model?.runtime.dispose();
  lab.runs.clear();
  const summary: ModelSummary = {
    name: loaded.name,
    arch: loaded.spec.arch,
    params,
    gpuBytes:
      runtime.backend === 'webgpu' ? gpuEstimate(loaded.spec, loaded.name, { frozen16: runtime.precision.fp16Tensors > 0 }).gpu.total : 0,
    modules: loaded.modules,
    backend: runtime.backend as ModelSummary['backend'], // the browser runs webgpu or wasm, never native
    layers: loaded.spec.layers,
    hidden: loaded.spec.hidden,
    vocabSize: loaded.spec.vocabSize,
    backendNote: [note, precision].filter(Boolean).join('; ') || undefined,
    wasmThreads,
  };
  const base = { name: summary.name, params, backend: summary.backend };
  const origin: SavedModel =
    src.kind === 'demo'
      ? { kind: 'demo', ...base }
      : src.kind === 'hub'
        ? { kind: 'hub', repo: src.repo.trim(), revision: src.revision.trim() || 'main', ...base }
        : { kind: 'files', ...base };
  // The runtime has the weights now (on the GPU they are only there): the lab keeps no second copy.
  const { weights: _held, ...rest } = loaded;
  lab.model = { loaded: rest, runtime: serialRuntime(runtime), summary, origin, folder, opened: recorded.opened };
  // A network belongs to the model it was trained for: another model starts without one.
  lab.hypernet = null;
  lab.post({ type: 'model/loaded', replyTo: cmd.id, model: summary });
}

/** The model back to its loaded weights (what every run starts from). */
export async function resetModel(lab: LabState, cmd: CommandOf<'model/reset'>): Promise<void> {
  const m = needModel(lab);
  if (activeRun(lab)) throw new Error('a run is going: stop it before resetting the model');
  await m.runtime.resetWeights();
  lab.post({ type: 'probe/result', replyTo: cmd.id, note: 'the model is back to its loaded weights' });
}

type BackendTarget = Awaited<ReturnType<typeof backendFor>>;

/** Where the model will run, decided before it loads (the load holds 16-bit weights only for WebGPU). */
async function backendFor(lab: LabState, choice: 'auto' | 'webgpu' | 'wasm') {
  const gpu = choice === 'wasm' ? null : await lab.platform.gpu();
  if (choice === 'webgpu' && !gpu) throw new Error('WebGPU is not available in this browser; choose the wasm (CPU) backend');
  return { gpu, decision: chooseBackend(choice, gpu && adapterFacts(gpu.info)) };
}

async function createRuntime(
  lab: LabState,
  loaded: LoadedModel<HeldWeights>,
  choice: 'auto' | 'webgpu' | 'wasm',
  { gpu, decision }: BackendTarget,
  threads: number | undefined,
): Promise<{ runtime: GraphRuntime; note?: string; wasmThreads?: number }> {
  const onCpu = async (why?: string) => {
    const t = requestWasmThreads(threads);
    const f64 = await lab.platform.f64Pool?.(t.threads);
    const note = [why, t.note, f64?.note].filter(Boolean).join('; ') || undefined;
    return { runtime: await createWasmRuntime(loaded), note, wasmThreads: t.threads };
  };
  if (decision.backend === 'wasm' || !gpu) return onCpu(decision.backend === 'wasm' ? decision.note : undefined);
  // A table larger than one buffer binding (an embedding of 128K × 2K in fp32 is 1 GB) enters the graphs in row blocks.
  const runtime = await createWebGpuRuntime(loaded, gpu.device, {
    maxWeightBytes: weightBufferCap(gpu.device, lab.platform.maxWeightBytes),
  });
  try {
    // Build one graph now so a backend that cannot run this model fails here, not mid-run.
    await runtime.nextTokens([loaded.spec.bosId ?? 0], 1);
    return { runtime };
  } catch (e) {
    await runtime.dispose();
    if (choice === 'webgpu') throw e;
    return onCpu(`WebGPU could not run this model (${(e as Error).message}); running on the CPU (wasm)`);
  }
}

function fmtMb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** How the frozen weights are held, for the model panel: in 16 bits (how many, how much), or why not. */
function precisionNote(p: WeightPrecision, fp32Reasons: Map<string, string>): string | undefined {
  const kept = fp32Reasons.size ? `, ${fp32Reasons.size} kept fp32 (${[...fp32Reasons][0].join(': ')})` : '';
  if (p.note) return p.note;
  if (p.fp16Tensors) return `frozen weights in 16 bits: ${p.fp16Tensors} tensors, ${(p.fp16Bytes / 2 ** 20).toFixed(1)} MiB${kept}`;
  return fp32Reasons.size ? `frozen weights fp32${kept}` : undefined;
}
