/**
 * The float64 pool in the browser: Web Workers (started from the engine worker, which may block in
 * Atomics.wait) over SharedArrayBuffers, driven synchronously by forkJoin (pool.ts). SharedArrayBuffer
 * exists only in a cross-origin isolated page (COOP/COEP, served so by `npm start`/`preview`);
 * elsewhere, or when the workers fail to start, the math stays on one thread and the pool's `note`
 * says why. Threads: the wasm EP's rule (runtime/wasm-thread-count.ts), `?threads=N` included.
 */
import { coreThreadCount } from '../../runtime/wasm-thread-count';
import { forkJoin, SERIAL_POOL, type F64Pool, type WorkerTask } from './pool';

/** How long the workers get to load their module and answer. */
const START_TIMEOUT_MS = 20_000;

const single = (note: string): F64Pool => ({ ...SERIAL_POOL, note: `float64 editor math on 1 thread: ${note}` });

/** `requested` threads (the caller's included; default every core up to the cap), as a started pool. */
export async function startWebPool(requested?: number): Promise<F64Pool> {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  if (g.crossOriginIsolated !== true) return single('the page is not cross-origin isolated (no SharedArrayBuffer)');
  return startWebWorkers(coreThreadCount(g.navigator?.hardwareConcurrency, requested, 'float64 threads'));
}

/** Exactly `threads` threads whatever the cores (the browser test splits work over more threads than cores). */
export async function startWebWorkers(threads: number): Promise<F64Pool> {
  if (threads === 1) return SERIAL_POOL;
  const workers: Worker[] = [];
  // Tasks go over a MessageChannel per worker: in Chromium, tasks posted with the nested worker's own
  // postMessage while the engine worker was blocked in Atomics.wait never arrived (the run hung),
  // while a port's messages do.
  const ports: MessagePort[] = [];
  try {
    for (let i = 1; i < threads; i++)
      workers.push(new Worker(new URL('./web-worker.ts', import.meta.url), { type: 'module', name: 'float64' }));
    await Promise.all(
      workers.map(
        (w, i) =>
          new Promise<void>((resolve, reject) => {
            w.onmessage = (e) => {
              if (e.data === 'alive') {
                const channel = new MessageChannel();
                ports[i] = channel.port1;
                w.postMessage(channel.port2, [channel.port2]);
              }
              if (e.data === 'ready') resolve();
            };
            w.onerror = (e) => reject(new Error(e.message || 'the worker script failed to load'));
            // A worker that never answers (a browser that refuses nested workers) must not hold up the model load.
            setTimeout(() => reject(new Error(`no answer within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
          }),
      ),
    );
  } catch (e) {
    workers.forEach((w) => w.terminate());
    return single(`its workers did not start (${e instanceof Error ? e.message : String(e)})`);
  }
  for (const w of workers) {
    w.onmessage = null;
    w.onerror = (e) => console.error('float64 pool worker:', e.message);
  }
  const control = new Int32Array(new SharedArrayBuffer(8));
  const post = (i: number, m: WorkerTask) => ports[i].postMessage(m);
  return {
    threads,
    run: (task, buffers, params) => forkJoin(post, workers.length, task, buffers, params, control),
    close: () => workers.forEach((w) => w.terminate()),
  };
}
