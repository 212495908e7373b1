/// <reference lib="webworker" />
/**
 * The engine worker: a message router. It owns the GPUDevice and hands every command to the lab
 * (src/engine/lab/lab.ts, one method per command), which holds the model, the datasets and the runs; it speaks only the
 * messages in src/protocol/messages.ts. Everything heavy happens here; the page renders what it is told.
 */
import packageJson from '../package.json' with { type: 'json' };
import { getSharedGpu, type SharedGpu } from '../src/engine/gpu/device';
import { WebGpuUnavailableError } from '../src/engine/gpu/errors';
import { isCommand, PROTOCOL_VERSION, type Command, type CommandOf, type CommandType, type WorkerEvent } from '../src/protocol/messages';
import { InputError } from '../src/engine/types';
import { OpfsStore } from '../src/engine/run/checkpoint-store';
import { bundledEditorShaderSources } from '../src/engine/gpu/editor/shader-sources.vite';
import { hintFor } from '../src/engine/lab/hints';
import { Lab } from '../src/engine/lab/lab';
import { configureOrtAssets } from './ort-assets';
import { currentF64Pool, installF64Pool } from '../src/engine/linalg/parallel/pool';
import { startWebPool } from '../src/engine/linalg/parallel/web-pool';
import { claimAcrossTabs } from './claim-across-tabs';

const scope = self as unknown as DedicatedWorkerGlobalScope;
configureOrtAssets();

function post(event: WorkerEvent, transfer: Transferable[] = []): void {
  scope.postMessage(event, transfer);
}

const watched = new WeakSet<GPUDevice>();

function watch(device: GPUDevice): void {
  if (watched.has(device)) return;
  watched.add(device);
  void device.lost.then((info) =>
    post({ type: 'device/lost', reason: info.reason === 'destroyed' ? 'destroyed' : 'unknown', message: info.message }),
  );
  device.addEventListener('uncapturederror', (ev) => {
    const error = (ev as GPUUncapturedErrorEvent).error;
    const kind =
      error instanceof GPUValidationError
        ? 'validation'
        : error instanceof GPUOutOfMemoryError
          ? 'out-of-memory'
          : error instanceof GPUInternalError
            ? 'internal'
            : 'unknown';
    post({ type: 'device/error', kind, message: error.message });
  });
}

let gpu: SharedGpu | null = null;
/** The thread count the installed float64 pool was started for. */
let f64Asked: number | null = null;
const lab = new Lab(post, {
  siteUrl: new URL(import.meta.env.BASE_URL, self.location.href).href,
  labVersion: packageJson.version,
  gpu: async () => {
    if (gpu) return gpu;
    try {
      gpu = await getSharedGpu();
      watch(gpu.device);
      return gpu;
    } catch (e) {
      if (e instanceof WebGpuUnavailableError) return null;
      throw e;
    }
  },
  runStore: (runId) => (typeof navigator.storage?.getDirectory === 'function' ? new OpfsStore(`run-${runId}`) : null),
  statsStore: () => (typeof navigator.storage?.getDirectory === 'function' ? new OpfsStore('key-stats') : null),
  editorShaders: bundledEditorShaderSources,
  claimRun: (runId) => claimAcrossTabs(`stableedit-run-${runId}`),
  f64Pool: async (threads) => {
    if (f64Asked !== threads) {
      f64Asked = threads;
      const pool = await startWebPool(threads);
      installF64Pool(pool);
      console.info(pool.note ?? `float64 editor math on ${pool.threads} thread${pool.threads === 1 ? '' : 's'}`);
    }
    return currentF64Pool();
  },
});

type Handlers = { [T in CommandType]: (cmd: CommandOf<T>) => Promise<void> };

const handlers: Handlers = {
  'device/init': async (cmd) => {
    try {
      gpu = await getSharedGpu();
      watch(gpu.device);
      post({ type: 'device/ready', replyTo: cmd.id, info: gpu.info });
    } catch (e) {
      if (!(e instanceof WebGpuUnavailableError)) throw e;
      post({ type: 'device/unavailable', replyTo: cmd.id, reason: e.reason, message: e.message, fallback: 'wasm' });
    }
  },
  'model/load': (cmd) => lab.loadModel(cmd),
  'model/reset': (cmd) => lab.resetModel(cmd),
  'data/scan': (cmd) => lab.scan(cmd),
  'run/start': (cmd) => lab.startRun(cmd),
  'run/pause': async (cmd) => lab.controller(cmd.runId).pause(),
  'run/resume': async (cmd) => lab.controller(cmd.runId).resume(),
  'run/reopen': (cmd) => lab.reopenRun(cmd),
  'run/step': async (cmd) => lab.controller(cmd.runId).stepOnce(),
  'run/stop': async (cmd) => lab.controller(cmd.runId).stop(),
  'probe/ask': (cmd) => lab.probe(cmd),
  'edit/apply': (cmd) => lab.applyEdit(cmd),
  'export/weights': (cmd) => lab.exportWeights(cmd),
  'export/per-edit': (cmd) => lab.perEdit(cmd),
  'hypernet/import': (cmd) => lab.importHypernet(cmd),
};

scope.addEventListener('message', (ev: MessageEvent) => {
  const cmd: unknown = ev.data;
  if (!isCommand(cmd)) {
    console.error('engine worker: ignoring a message that is not a protocol command', cmd);
    return;
  }
  const handler = handlers[cmd.type] as (c: Command) => Promise<void>;
  handler(cmd).catch((e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    post({
      type: 'command/failed',
      replyTo: cmd.id,
      command: cmd.type,
      error: { name: err.name, message: err.message, where: err instanceof InputError ? err.where : undefined },
      hint: hintFor(cmd.type, err),
    });
  });
});

post({ type: 'worker/ready', protocolVersion: PROTOCOL_VERSION, crossOriginIsolated: scope.crossOriginIsolated });
