/**
 * The /bench page's worker: runs a benchmark profile with the same engine as the lab's worker, on
 * WebGPU (our shared GPUDevice handed to ORT) or the wasm EP with a given thread count (one worker
 * per configuration: ORT fixes its wasm threads when it first starts), and posts each row as it
 * completes. GPU memory is the bytes of live buffers created on the device (ORT's included: it
 * allocates on it).
 */
import { getSharedGpu } from '../../src/engine/gpu/device';
import { urlFile, urlFolder } from '../../src/engine/io/files.web';
import { CpuExecutor } from '../../src/engine/runtime/cpu-runtime';
import type { GraphExecutor } from '../../src/engine/runtime/executor';
import { configureWasmThreads } from '../../src/engine/runtime/wasm-threads';
import { WebGpuExecutor } from '../../src/engine/runtime/webgpu-runtime';
import { runProfile } from '../src/run-profile';
import { PROFILES } from '../src/shapes';
import { configureOrtAssets } from '../../workers/ort-assets';
import { tallyBuffers, type BufferTally } from '../../src/engine/gpu/buffer-tally';

export interface BenchRequest {
  profile: string;
  backend: 'webgpu' | 'wasm';
  /** wasm: threads (default every core the page may use); capped at what the host allows. */
  threads?: number;
}

let gpuBytes: BufferTally | null = null;

self.onmessage = async (e: MessageEvent<BenchRequest>) => {
  const post = (m: unknown) => (self as unknown as Worker).postMessage(m);
  try {
    configureOrtAssets();
    const p = PROFILES[e.data.profile];
    if (!p) throw new Error(`unknown profile "${e.data.profile}" (profiles: ${Object.keys(PROFILES).join(', ')})`);
    const threads = configureWasmThreads(e.data.threads);
    let newExecutor: () => Promise<GraphExecutor> = () => CpuExecutor.create({ backend: 'wasm' });
    let backendLabel = `wasm ×${threads}`;
    if (e.data.backend === 'webgpu') {
      const { device } = await getSharedGpu();
      gpuBytes ??= tallyBuffers(device);
      newExecutor = async () => new WebGpuExecutor(device);
      backendLabel = 'webgpu';
    }
    const heap = () => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0;
    const report = await runProfile(
      p,
      {
        newExecutor,
        backendLabel,
        demoModel: urlFolder(new URL('/demo/model/', self.location.href).href),
        demoEdits: urlFile(new URL('/demo/data/edits.eval.json', self.location.href).href),
        memory: () => ({
          jsHeapMB: heap() / 2 ** 20,
          rssMB: null,
          gpuBuffersMB: e.data.backend === 'webgpu' && gpuBytes ? gpuBytes.live() / 2 ** 20 : null,
        }),
        log: (line) => post({ type: 'log', line }),
      },
      (result) => post({ type: 'row', result }),
    );
    post({ type: 'done', report });
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) });
  }
};
