/**
 * The float64 pool in Node: worker_threads over SharedArrayBuffers, started once (the workers load
 * the kernels through tsx, ~0.3 s) and then driven synchronously by forkJoin (pool.ts). Threads:
 * the same rule as the wasm EP's (runtime/wasm-thread-count.ts) over os.availableParallelism().
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { coreThreadCount } from '../../runtime/wasm-thread-count';
import { currentF64Pool, forkJoin, installF64Pool, SERIAL_POOL, type F64Pool, type WorkerTask } from './pool';

/** `requested` threads (the caller's included; default every core up to the cap), as a started pool. */
export async function startNodePool(requested?: number): Promise<F64Pool> {
  return startNodeWorkers(coreThreadCount(availableParallelism(), requested, 'float64 threads'));
}

/** Installs a pool of `requested` threads (startNodePool) unless the installed one already has that many. */
export async function useNodePool(requested?: number): Promise<F64Pool> {
  const threads = coreThreadCount(availableParallelism(), requested, 'float64 threads');
  if (currentF64Pool().threads !== threads) installF64Pool(await startNodeWorkers(threads));
  return currentF64Pool();
}

/** Exactly `threads` threads whatever the cores (the tests split work over more threads than cores). */
export async function startNodeWorkers(threads: number): Promise<F64Pool> {
  if (threads === 1) return SERIAL_POOL;
  const workers = Array.from({ length: threads - 1 }, () => new Worker(new URL('./node-worker.mjs', import.meta.url)));
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.once('message', () => resolve());
            w.once('error', reject);
            w.once('exit', (code) => reject(new Error(`float64 pool worker exited (code ${code}) before it started`)));
          }),
      ),
    );
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
  // The pool never keeps a process alive: a CLI run ends when its work does.
  for (const w of workers) {
    w.removeAllListeners();
    w.on('error', (e) => console.error('float64 pool worker:', e));
    w.unref();
  }
  const control = new Int32Array(new SharedArrayBuffer(8));
  const post = (i: number, m: WorkerTask) => workers[i].postMessage(m);
  return {
    threads,
    run: (task, buffers, params) => forkJoin(post, workers.length, task, buffers, params, control),
    close: () => void Promise.all(workers.map((w) => w.terminate())),
  };
}
