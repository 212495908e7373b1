/**
 * The lab's application layer: one loaded model (and its pristine weights), the two dataset slots,
 * and the runs. Each run starts from the model as loaded, so runs of different editors on the same
 * stream compare like with like; interactive edits and the probe act on the model as it stands
 * (after the last run, plus any interactive edits).
 *
 * Framework-free: the worker gives it a platform (where the site is, the GPU, where runs are kept,
 * the editor shaders) and routes messages to it; tests give it files on disk and memory stores.
 */
import type { SharedGpu } from '../gpu/device';
import type { F64Pool } from '../linalg/parallel/pool';
import type { ShaderSources } from '../gpu/shader-sources';
import { blobFile, fileListFolder, urlFile, urlFolder } from '../io/files.web';
import { isLocateEditor } from '../editors/locate/settings';
import { corpusTexts } from '../editors/locate/corpus';
import type { StatsCache } from '../editors/locate/key-stats';
import { browserCache, cachedFetch, withoutSpaFallback, type DownloadProgress, type ResponseCache } from '../io/cached-fetch';
import { hubFolder, HUB_URL } from '../io/hub-folder';
import { loadModel, type LoadedModel } from '../model/load';
import type { HeldWeights } from '../model/spec';
import type { GraphRuntime, WeightPrecision } from '../runtime/graph-runtime';
import { gpuEstimate } from '../model/presets';
import { loadDataset, scanDataset } from '../data/dataset';
import { createWasmRuntime } from '../runtime/wasm-runtime';
import { currentHost, wasmThreadCount } from '../runtime/wasm-thread-count';
import { requestWasmThreads } from '../runtime/wasm-threads';
import { createWebGpuRuntime, weightBufferCap } from '../runtime/webgpu-runtime';
import type { ModelRuntime } from '../runtime/runtime';
import { serialRuntime } from '../runtime/serial-runtime';
import { LifelongRun } from '../run/lifelong-run';
import { RunController, type RunState } from '../run/controller';
import { MemoryStore, type CheckpointStore } from '../run/checkpoint-store';
import { encodeWeights } from '../run/export-weights';
import { validateRunConfig, type RunConfig } from '../run/config';
import { buildSchedule } from '../run/schedule';
import { recordFitCheck } from '../run/record-fit';
import { evaluate, type RecordScores } from '../eval/evaluate';
import { createGpuContext, type GpuContext } from '../gpu/context';
import { createRunEditor } from '../gpu/editor/backend-choice';
import type { AnyEditor } from '../editors/editor';
import { InputError, type EditRecord, type FileSource, type FolderSource } from '../types';
import type { Weights } from '../model/spec';
import type { CommandOf, DataInput, DataSlot, EditorMath, ModelSummary, WorkerEvent } from '../../protocol/messages';
import { probe } from './probe';
import { applySingleEdit } from './single-edit';
import { perEditResults, type PerEditResult } from './per-edit';
import { answers, compareAnswers, watchedPrompts } from './side-effects';
import { adapterFacts, chooseBackend } from './backend-choice';
import { readRunResults, saveRunResults } from './run-results';
import {
  modelMismatch,
  readRunInputs,
  removeRunInputs,
  saveRunInputs,
  savedDataSource,
  type SavedModel,
  type SavedReadOptions,
  type SavedRunInputs,
  runFingerprint,
} from './run-inputs';

export type Post = (e: WorkerEvent, transfer?: Transferable[]) => void;

export interface LabPlatform {
  /** Absolute URL of the site's root, where the demo lives (`demo/model/`, `demo/data/`). */
  siteUrl: string;
  /** The shared WebGPU device, or null where there is none. */
  gpu(): Promise<SharedGpu | null>;
  /** Where a run keeps its checkpoint, inputs and results; null where nothing outlives the page. */
  runStore(runId: string): CheckpointStore | null;
  /** The editor kernels' WGSL, for the GPU editor; null where it cannot run. */
  editorShaders: ShaderSources | null;
  /** The network; tests serve files from disk through it. */
  fetch?: typeof fetch;
  /** The Hub's address (https://huggingface.co unless given); tests serve a Hub-layout repository locally. */
  hubUrl?: string;
  /** A lower cap than the device's on one weight buffer, in bytes (tests force the row blocks of a large table). */
  maxWeightBytes?: number;
  /** Where downloaded model files are kept (the browser's Cache API unless given; none in Node). */
  modelCache?(name: string): Promise<ResponseCache | null>;
  /**
   * Hold a run for this page while it goes (the browser's Web Locks across tabs): null when another
   * tab holds it. Without it runs are not guarded (Node, tests).
   */
  claimRun?(runId: string): Promise<(() => void) | null>;
  /** Where MEMIT / AlphaEdit's key statistics are cached across runs (OPFS in the page); none: recomputed per run. */
  statsStore?(): CheckpointStore | null;
  /**
   * Installs the float64 editor math's pool with this many threads (the CPU backend's count) and
   * returns it (its `note` says why it has fewer); without it the math runs on one thread.
   */
  f64Pool?(threads: number): Promise<F64Pool>;
}

interface Model {
  /** Without its weights: the runtime holds them (one copy, docs/design.md §4). */
  loaded: Omit<LoadedModel, 'weights'>;
  runtime: ModelRuntime;
  summary: ModelSummary;
  /** Where it came from, as a run's saved inputs record it. */
  origin: SavedModel;
}

interface Slot extends SavedReadOptions {
  /** What was read (URLs absolute), so a run can record it and be resumed after a reload. */
  input: DataInput;
  source: FileSource;
  records?: EditRecord[];
}

interface RunEntry {
  controller: RunController;
  run: LifelongRun;
  records: readonly EditRecord[];
  pre: RecordScores;
  perEdit?: PerEditResult[];
  /** The GPU editor's resident buffers, freed when the run ends. */
  gpuEditor?: AnyEditor & { dispose?(): void };
}

const CACHE = 'stableedit-lab-models-v2';

export class Lab {
  private model: Model | null = null;
  private slots: Partial<Record<DataSlot, Slot>> = {};
  private runs = new Map<string, RunEntry>();
  /** Editor kernels' context on the shared device; its pipelines are compiled once, for every run. */
  private editorGpu: { device: GPUDevice; ctx: GpuContext } | null = null;

  constructor(
    private readonly post: Post,
    private readonly platform: LabPlatform,
  ) {}

  async loadModel(cmd: CommandOf<'model/load'>): Promise<void> {
    if (this.activeRun()) throw new Error('a run is going on this model: stop it before loading another model');
    if (cmd.wasmThreads !== undefined) wasmThreadCount(currentHost(), cmd.wasmThreads); // a bad count fails before the download
    let last = 0;
    const progress = (p: Omit<Extract<WorkerEvent, { type: 'model/progress' }>, 'type' | 'replyTo'>, force = false) => {
      const now = performance.now();
      if (!force && now - last < 100) return;
      last = now;
      this.post({ type: 'model/progress', replyTo: cmd.id, ...p });
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
    const net = this.platform.fetch ?? fetch;
    const cache = (this.platform.modelCache ?? browserCache)(CACHE);
    const src = cmd.source;
    let folder: FolderSource;
    let name: string | undefined;
    let byTensor = false;
    if (src.kind === 'demo') {
      folder = urlFolder(new URL('demo/model/', this.platform.siteUrl).href, {
        fetch: cachedFetch(cache, onBytes, withoutSpaFallback(net)),
      });
      name = 'demo (built-in)';
    } else if (src.kind === 'hub') {
      folder = hubFolder({
        repo: src.repo,
        revision: src.revision,
        token: src.token,
        hubUrl: this.platform.hubUrl ?? HUB_URL,
        fetch: cachedFetch(cache, onBytes, net),
      });
      name = folder.name;
    } else {
      if (src.files.length === 0) throw new InputError('model folder', 'no files were dropped or picked');
      folder = fileListFolder(src.files, src.name);
      byTensor = true;
    }
    const target = await this.backendFor(cmd.backend);
    // On WebGPU the frozen tensors of a 16-bit checkpoint are read in 16 bits (docs/design.md §4): exact, and
    // half the worker's memory while they load and upload. Not on the CPU: there ORT keeps the fp32
    // widenings a capture's backward pass reuses, and its peak would grow (measured in design.md §4).
    const loaded = await loadModel(folder, {
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
    const { runtime, note, wasmThreads } = await this.createRuntime(loaded, cmd.backend, target, cmd.wasmThreads);
    const precision = precisionNote(runtime.precision, loaded.fp32Reasons);
    await this.model?.runtime.dispose();
    this.runs.clear();
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
    this.model = { loaded: rest, runtime: serialRuntime(runtime), summary, origin };
    this.post({ type: 'model/loaded', replyTo: cmd.id, model: summary });
  }

  /** Where the model will run, decided before it loads (the load holds 16-bit weights only for WebGPU). */
  private async backendFor(choice: 'auto' | 'webgpu' | 'wasm') {
    const gpu = choice === 'wasm' ? null : await this.platform.gpu();
    if (choice === 'webgpu' && !gpu) throw new Error('WebGPU is not available in this browser; choose the wasm (CPU) backend');
    return { gpu, decision: chooseBackend(choice, gpu && adapterFacts(gpu.info)) };
  }

  private async createRuntime(
    loaded: LoadedModel<HeldWeights>,
    choice: 'auto' | 'webgpu' | 'wasm',
    { gpu, decision }: Awaited<ReturnType<Lab['backendFor']>>,
    threads: number | undefined,
  ): Promise<{ runtime: GraphRuntime; note?: string; wasmThreads?: number }> {
    const onCpu = async (why?: string) => {
      const t = requestWasmThreads(threads);
      const f64 = await this.platform.f64Pool?.(t.threads);
      const note = [why, t.note, f64?.note].filter(Boolean).join('; ') || undefined;
      return { runtime: await createWasmRuntime(loaded), note, wasmThreads: t.threads };
    };
    if (decision.backend === 'wasm' || !gpu) return onCpu(decision.backend === 'wasm' ? decision.note : undefined);
    // A table larger than one buffer binding (an embedding of 128K × 2K in fp32 is 1 GB) enters the graphs in row blocks.
    const runtime = await createWebGpuRuntime(loaded, gpu.device, {
      maxWeightBytes: weightBufferCap(gpu.device, this.platform.maxWeightBytes),
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

  async resetModel(cmd: CommandOf<'model/reset'>): Promise<void> {
    const m = this.needModel();
    if (this.activeRun()) throw new Error('a run is going: stop it before resetting the model');
    await this.restorePristine(m);
    this.post({ type: 'probe/result', replyTo: cmd.id, note: 'the model is back to its loaded weights' });
  }

  async scan(cmd: CommandOf<'data/scan'>): Promise<void> {
    const input = this.absolute(cmd.input);
    const source = this.dataSource(input);
    const { layout, mapping, seed } = cmd.options;
    const onInvalid = cmd.options.onInvalid ?? 'skip';
    const report = await scanDataset(source, {
      layout,
      mapping,
      seed,
      onInvalid,
      check: this.recordCheck(),
      previewCount: 8,
      maxIssues: 50,
    });
    this.slots[cmd.slot] = { input, source, onInvalid, seed, layout, mapping };
    this.post({ type: 'data/report', replyTo: cmd.id, slot: cmd.slot, report, onInvalid });
  }

  private async records(slot: DataSlot): Promise<EditRecord[]> {
    const s = this.slots[slot];
    if (!s)
      throw new InputError(
        slot === 'edits' ? 'edit stream' : 'warm-up source',
        'no dataset file was given: drop or pick one in the Data panel',
      );
    s.records ??= (
      await loadDataset(s.source, { onInvalid: s.onInvalid, seed: s.seed, layout: s.layout, mapping: s.mapping, check: this.recordCheck() })
    ).records;
    if (s.records.length === 0) throw new InputError(s.source.name, 'has no valid records');
    return s.records;
  }

  activeRun(): string | null {
    for (const [id, r] of this.runs) if (r.controller.status === 'running' || r.controller.status === 'paused') return id;
    return null;
  }

  controller(runId: string): RunController {
    const r = this.runs.get(runId);
    if (!r) throw new Error(`run ${runId} is not running in this page (it was restored from storage or has ended)`);
    return r.controller;
  }

  /**
   * Everything a start needs is checked before anything is written or announced: a start that
   * fails leaves no run behind (the page drops the run it added) and says what was wrong.
   */
  async startRun(cmd: CommandOf<'run/start'>): Promise<void> {
    const m = this.needModel();
    const busy = this.activeRun();
    if (busy) throw new Error(`run ${busy} is still going on this model: stop it or let it finish first`);
    const bad = Object.entries(validateRunConfig(cmd.config));
    if (bad.length) throw new InputError('run settings', bad.map(([k, v]) => `${k} ${v}`).join('; '));
    const unknown = cmd.config.modules.filter((name) => !m.loaded.modules.some((x) => x.name === name));
    if (unknown.length) throw new InputError('run settings', `${m.summary.name} has no module ${unknown.join(', ')}`);
    const target = await this.records('edits');
    const warmup = cmd.config.warmupTurns > 0 ? await this.records('warmup') : undefined;
    scheduledTarget(cmd.config, target, warmup); // throws, naming the shortfall, when the streams are too short
    const release = await this.claim(cmd.runId);
    const store = this.platform.runStore(cmd.runId);
    let saved: SavedRunInputs | null = null;
    if (store) {
      const used = { edits: this.slots.edits!, ...(warmup ? { warmup: this.slots.warmup! } : {}) };
      saved = await saveRunInputs(store, cmd.config, m.origin, used).catch((e: unknown) => {
        release();
        throw e;
      });
    }
    await this.launch(cmd.runId, cmd.config, m, target, warmup, store ?? new MemoryStore(), saved, cmd.editorMath ?? 'auto', release).catch(
      (e: unknown) => {
        release();
        throw e;
      },
    );
  }

  /** This page's hold on a run; refused while another tab of the lab has it going. */
  private async claim(runId: string): Promise<() => void> {
    const release = this.platform.claimRun ? await this.platform.claimRun(runId) : () => {};
    if (!release) throw new Error(`run ${runId} is going in another tab of the lab: continue it there, or close that tab first`);
    return release;
  }

  /**
   * A run restored after a reload: the same model (the demo is loaded again here; a Hub or folder
   * model must be loaded by the user first), the same dataset bytes, then LifelongRun resumes from
   * the OPFS checkpoint, which gives the numbers an uninterrupted run gives.
   */
  async reopenRun(cmd: CommandOf<'run/reopen'>): Promise<void> {
    const held = this.runs.get(cmd.runId);
    if (held && (held.controller.status === 'running' || held.controller.status === 'paused'))
      throw new Error(`run ${cmd.runId} is already going in this page: use Resume`);
    // A stopped run continues from its last checkpoint, like one a reload interrupted.
    this.runs.delete(cmd.runId);
    const busy = this.activeRun();
    if (busy) throw new Error(`run ${busy} is still going on this model: stop it or let it finish first`);
    const store = this.platform.runStore(cmd.runId);
    if (!store) throw new Error('this browser gives no Origin Private File System, where checkpoints are kept: the run cannot be resumed');
    const saved = await readRunInputs(store, cmd.runId);
    if (!saved)
      throw new Error(
        `run ${cmd.runId} left nothing to resume from in the browser storage (it finished, or was started by an older version of the lab): start it again`,
      );
    await this.ensureModel(saved.model, cmd.id);
    const read = async (slot: DataSlot) => {
      const d = saved.data[slot];
      if (!d) throw new InputError(`run ${cmd.runId}`, `its ${slot === 'edits' ? 'edit stream' : 'warm-up source'} was not saved`);
      const source = await savedDataSource(store, cmd.runId, slot, d, this.platform.fetch);
      const { records } = await loadDataset(source, {
        onInvalid: d.onInvalid,
        seed: d.seed,
        layout: d.layout,
        mapping: d.mapping,
        check: this.recordCheck(),
      });
      if (records.length === 0) throw new InputError(d.file.name, 'has no valid records');
      return records;
    };
    const release = await this.claim(cmd.runId);
    try {
      const target = await read('edits');
      const warmup = saved.config.warmupTurns > 0 ? await read('warmup') : undefined;
      // Checkpoints of either editor math resume with either, so the current choice applies.
      await this.launch(cmd.runId, saved.config, this.needModel(), target, warmup, store, saved, cmd.editorMath ?? 'auto', release);
    } catch (e) {
      release();
      throw e;
    }
  }

  /** The model a saved run edits: the demo is loaded again here; another model must be loaded by the user. */
  private async ensureModel(model: SavedModel, replyTo: number): Promise<void> {
    if (modelMismatch(model, this.model?.summary ?? null) === null) return;
    if (model.kind !== 'demo') throw new Error(modelMismatch(model, this.model?.summary ?? null)!);
    await this.loadModel({ type: 'model/load', id: replyTo, source: { kind: 'demo' }, backend: model.backend });
    const still = modelMismatch(model, this.model?.summary ?? null);
    if (still) throw new Error(still);
  }

  private async launch(
    runId: string,
    config: RunConfig,
    m: Model,
    target: EditRecord[],
    warmup: EditRecord[] | undefined,
    store: CheckpointStore,
    saved: SavedRunInputs | null,
    editorMath: EditorMath,
    release: () => void,
  ): Promise<void> {
    await this.restorePristine(m);
    // Per-edit "pre" scores for the EasyEdit export: the model as loaded, before the first turn.
    // A run with the final protocol scores exactly these records before editing (and keeps them in
    // its checkpoint); otherwise they are taken here, before opening puts a checkpoint's weights in place.
    const records = scheduledTarget(config, target, warmup);
    const preHere = config.finalEval ? null : (await evaluate(m.runtime, m.loaded.tokenizer, records)).scores;
    const t0 = performance.now();
    const { gpuEditor, fallback } = await this.runEditor(editorMath, config, m);
    const corpus = isLocateEditor(config.editor) ? await this.locateCorpus(m, target, warmup) : undefined;
    const run = await LifelongRun.open(config, {
      corpus,
      statsCache: corpus && this.statsCache(m, corpus),
      runtime: m.runtime,
      tokenizer: m.loaded.tokenizer,
      target,
      warmup,
      store,
      // A checkpoint of other inputs (another tab changed them, a damaged file) is refused, not resumed.
      ...(saved ? { fingerprint: runFingerprint(saved), onMismatch: 'refuse' as const } : {}),
      checkpointWhere: `run ${runId}: checkpoint.bin`,
      ...(gpuEditor ? { createEditor: () => gpuEditor } : {}),
      emit: (event) => {
        this.post({ type: 'run/event', runId, event });
        if (event.type === 'turn') state(controller.status);
      },
    }).catch((e: unknown) => {
      gpuEditor?.dispose?.();
      release();
      throw e;
    });
    const pre = preHere ?? run.preEditScores!;
    const stepsBefore = run.stepIndex;
    // What the page shows must be what the checkpoint holds: turns it saw after the last
    // checkpoint are run again, and turns it had not saved yet come from the checkpoint.
    this.post({ type: 'run/resumed', runId, fromStep: run.stepIndex > 0 ? run.stepIndex : null, turns: run.turns, metrics: run.metrics });
    if (fallback) this.post({ type: 'run/event', runId, event: { type: 'warning', message: `editor math: cpu (${fallback})` } });
    const state = (s: RunState) => {
      const secs = (performance.now() - t0) / 1000;
      const done = run.stepIndex;
      const here = done - stepsBefore;
      const perStep = here > 0 ? secs / here : null;
      this.post({
        type: 'run/state',
        runId,
        state: s,
        step: done,
        steps: run.schedule.length,
        editsPerSecond: secs > 0 && here > 0 ? (here * config.nEdits) / secs : null,
        etaSeconds: perStep === null ? null : perStep * (run.schedule.length - done),
      });
    };
    const controller = new RunController(run, (s) => {
      // 'finished' is announced once the run's results are saved (below), so an export asked for
      // right after it finds them.
      if (s !== 'finished') state(s);
    });
    const entry: RunEntry = { controller, run, records, pre, gpuEditor };
    this.runs.set(runId, entry);
    void controller.drive(true).then(
      async (report) => {
        // The drive ends when the run finishes, fails or is stopped: the GPU statistics are not needed after.
        gpuEditor?.dispose?.();
        if (!report) return release();
        const post = run.finalEditScores ?? (await evaluate(m.runtime, m.loaded.tokenizer, records)).scores;
        entry.perEdit = perEditResults(records, pre, post);
        if (saved) {
          await saveRunResults(store, { model: saved.model, modules: await editedWeights(m, config.modules), perEdit: entry.perEdit });
          await removeRunInputs(store, saved);
        }
        release();
        state('finished');
      },
      (e: Error) => {
        // The run's turns and last checkpoint stay; only the failure is reported.
        gpuEditor?.dispose?.();
        release();
        this.post({ type: 'run/event', runId, event: { type: 'error', message: e.message, where: `run ${runId}`, step: run.stepIndex } });
        state('failed');
      },
    );
  }

  /**
   * The run's editor: the GPU editor whenever the model runs on WebGPU (it shares the model's device,
   * so captures and weights stay on one GPU), the float64 CPU editor otherwise or when asked — and
   * why, when the GPU editor was possible or asked for but not used.
   */
  private async runEditor(
    math: EditorMath,
    config: RunConfig,
    m: Model,
  ): Promise<{ gpuEditor?: AnyEditor & { dispose?(): void }; fallback?: string }> {
    if (isLocateEditor(config.editor))
      return math === 'cpu' || m.runtime.backend !== 'webgpu'
        ? {}
        : {
            fallback: `${config.editor} solves its closed forms in float64 on the CPU; its model passes run on the model's backend (docs/design.md §7)`,
          };
    const gpu = m.runtime.backend === 'webgpu' && math !== 'cpu' ? await this.platform.gpu() : null;
    if (gpu && this.platform.editorShaders && this.editorGpu?.device !== gpu.device)
      this.editorGpu = { device: gpu.device, ctx: createGpuContext(gpu.device, this.platform.editorShaders) };
    const ctx = gpu && this.platform.editorShaders ? this.editorGpu!.ctx : null;
    const chosen = await createRunEditor({
      editor: config.editor,
      modelBackend: m.runtime.backend === 'native' ? 'node' : m.runtime.backend,
      gpu: gpu !== null,
      ctx,
      request: math,
      options: { lr: config.lr, ridge: config.ridge, niw: config.niw },
    });
    return { ...(chosen.backend === 'gpu' ? { gpuEditor: chosen.editor } : {}), ...(chosen.fallback ? { fallback: chosen.fallback } : {}) };
  }

  /**
   * The key statistics' cache for a model the page can name again (the demo, a Hub revision) and a
   * corpus (FNV-1a of its texts); a dropped folder has no stable name, so its runs recompute C.
   */
  private statsCache(m: Model, corpus: readonly string[]): StatsCache | undefined {
    const store = this.platform.statsStore?.() ?? null;
    const o = m.origin;
    if (!store || o.kind === 'files') return undefined;
    let h = 0x811c9dc5;
    for (const t of corpus) for (let i = 0; i < t.length; i++) h = Math.imul(h ^ t.charCodeAt(i), 0x01000193) >>> 0;
    const model = o.kind === 'demo' ? `demo-${o.params}` : `${o.repo}@${o.revision}`.replace(/[^\w.@-]/g, '_');
    return { store, key: `${model}-${h.toString(16)}` };
  }

  /**
   * MEMIT / AlphaEdit's key-statistics texts: the demo model's own training corpus, or else the
   * loaded streams' prompts (docs/design.md §7).
   */
  private async locateCorpus(m: Model, target: EditRecord[], warmup: EditRecord[] | undefined): Promise<string[]> {
    if (m.origin.kind === 'demo') {
      const url = new URL('demo/data/train-corpus.json', this.platform.siteUrl).href;
      const res = await (this.platform.fetch ?? fetch)(url);
      if (!res.ok) throw new Error(`the demo corpus ${url} answered ${res.status}`);
      const texts = corpusTexts(await res.text(), url);
      if (texts?.length) return texts;
    }
    return [...target, ...(warmup ?? [])].map((r) => r.prompt);
  }

  async probe(cmd: CommandOf<'probe/ask'>): Promise<void> {
    const m = this.needModel();
    const answer = await probe(m.runtime, m.loaded.tokenizer, cmd.prompt, cmd.k, cmd.maxNewTokens);
    this.post({ type: 'probe/result', replyTo: cmd.id, after: answer });
  }

  /**
   * One edit, and what it did to other prompts: the record's locality prompt (when the prompt is a
   * record of a loaded stream) and the stream prompts most like it, answered before and after.
   */
  async applyEdit(cmd: CommandOf<'edit/apply'>): Promise<void> {
    const m = this.needModel();
    if (this.activeRun()) throw new Error('a run is going on this model: stop it (or let it finish) before an interactive edit');
    const s = cmd.settings;
    const warmupPool = this.slots.warmup ? await this.records('warmup') : [];
    const editPool = this.slots.edits ? await this.records('edits') : [];
    const statistics = (warmupPool.length ? warmupPool : editPool).slice(0, s.statisticsRecords);
    const pool = [...editPool, ...warmupPool];
    const same = pool.find((r) => r.prompt.trim() === cmd.prompt.trim());
    const watched = watchedPrompts({ prompt: cmd.prompt, locPrompt: same?.locPrompt }, pool);
    const tok = m.loaded.tokenizer;
    const before = await probe(m.runtime, tok, cmd.prompt, cmd.k, cmd.maxNewTokens);
    const beforeOthers = await answers(
      m.runtime,
      tok,
      watched.map((w) => w.prompt),
    );
    const turn = await applySingleEdit(
      m.runtime,
      tok,
      { prompt: cmd.prompt, answer: cmd.answer },
      { editor: s.editor, lr: s.lr, ridge: s.ridge, modules: s.modules, statistics },
    );
    const after = await probe(m.runtime, tok, cmd.prompt, cmd.k, cmd.maxNewTokens);
    const sideEffects = compareAnswers(
      watched,
      beforeOthers,
      await answers(
        m.runtime,
        tok,
        watched.map((w) => w.prompt),
      ),
    );
    const norms = turn.diagnostics.modules
      .map((d) => `${d.module.replace(/^.*layers\.(\d+)\..*$/, 'L$1')} ‖ΔW‖ ${d.deltaNorm?.toPrecision(3)}`)
      .join(', ');
    const changed = sideEffects.filter((e) => e.changed).length;
    const note =
      `applied with ${s.editor} (lr ${s.lr}, λ ${s.ridge}) after the statistics of ${statistics.length} warm-up records; ${norms}` +
      (sideEffects.length ? `; ${changed} of ${sideEffects.length} other prompts changed their answer` : '');
    this.post({ type: 'probe/result', replyTo: cmd.id, before, after, note, sideEffects });
  }

  /** The model as it stands, or as a finished run left it (rebuilt from what the run saved). */
  async exportWeights(cmd: CommandOf<'export/weights'>): Promise<void> {
    const m = this.needModel();
    let weights: Weights;
    let label = m.loaded.name;
    if (cmd.runId) {
      const results = await this.savedResults(cmd.runId);
      const mismatch = modelMismatch(results.model, m.summary);
      if (mismatch) throw new Error(mismatch.replace(/, then resume$/, ', then export again'));
      weights = await m.runtime.weights('loaded');
      for (const [name, data] of Object.entries(results.modules)) {
        const t = weights.get(name);
        if (!t || t.data.length !== data.length)
          throw new InputError(`run ${cmd.runId}`, `its saved weight ${name} does not fit ${m.summary.name}`);
        weights.set(name, { ...t, data });
      }
      label = `${m.loaded.name}.${cmd.runId}`;
    } else {
      weights = await m.runtime.weights();
    }
    const bytes = encodeWeights(weights, m.loaded.sourceNames, { source: m.loaded.name, ...(cmd.runId ? { run: cmd.runId } : {}) });
    const name = `${label.replace(/[^\w.-]+/g, '_')}.edited.safetensors`;
    this.post({ type: 'export/ready', replyTo: cmd.id, name, mime: 'application/octet-stream', bytes }, [bytes.buffer]);
  }

  async perEdit(cmd: CommandOf<'export/per-edit'>): Promise<void> {
    const r = this.runs.get(cmd.runId);
    if (r && !r.perEdit) throw new Error('the run has not finished: per-edit post scores are taken after its last turn');
    const results = r?.perEdit ?? (await this.savedResults(cmd.runId)).perEdit;
    this.post({ type: 'export/per-edit', replyTo: cmd.id, runId: cmd.runId, results });
  }

  private async savedResults(runId: string) {
    const store = this.platform.runStore(runId);
    const results = store ? await readRunResults(store, runId) : null;
    if (!results)
      throw new Error(
        `run ${runId} has no saved results in this browser (it has not finished, or it finished before the lab kept them, or its storage was cleared)`,
      );
    return results;
  }

  /** With a model loaded, a record longer than its positions is a data error (file, record, field). */
  private recordCheck() {
    return this.model ? recordFitCheck(this.model.loaded.tokenizer, this.model.loaded.spec.maxPositions) : undefined;
  }

  private needModel(): Model {
    if (!this.model) throw new Error('no model is loaded: load one in the Model panel first');
    return this.model;
  }

  private async restorePristine(m: Model): Promise<void> {
    await m.runtime.resetWeights();
  }

  private absolute(input: DataInput): DataInput {
    return input.kind === 'url' ? { ...input, url: new URL(input.url, this.platform.siteUrl).href } : input;
  }

  private dataSource(input: DataInput): FileSource {
    if (input.kind === 'file') return blobFile(input.file, input.file.name);
    return { ...urlFile(input.url, { fetch: this.platform.fetch }), name: input.name };
  }
}

/** The edited modules' weights as they stand (what a finished run changed; the rest is the loaded model). */
async function editedWeights(m: Model, modules: readonly string[]): Promise<Record<string, Float32Array>> {
  const out: Record<string, Float32Array> = {};
  for (const name of modules) {
    const weight = m.loaded.modules.find((x) => x.name === name)!.weight;
    out[weight] = (await m.runtime.weight(weight)).data;
  }
  return out;
}

/** The target records the run's schedule reaches (what its per-edit export covers). */
function scheduledTarget(config: RunConfig, target: readonly EditRecord[], warmup: readonly EditRecord[] | undefined): EditRecord[] {
  let schedule;
  try {
    schedule = buildSchedule({
      targetRecords: target.length,
      nEdits: config.nEdits,
      turns: config.turns,
      warmupRecords: warmup?.length ?? 0,
      warmupTurns: config.warmupTurns,
      placement: config.warmupPlacement,
    });
  } catch (e) {
    throw new InputError('run settings', (e as Error).message);
  }
  const end = Math.max(0, ...schedule.filter((t) => t.kind === 'target').map((t) => t.end));
  return target.slice(0, end);
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
