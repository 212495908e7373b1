/** Runs the float64 pool checks in a worker (Atomics.wait, which the pool blocks in, is refused on a page's main thread). */
import type { PoolCheck } from './f64-pool.worker';

declare global {
  interface Window {
    f64PoolChecks: () => Promise<PoolCheck[]>;
  }
}

window.f64PoolChecks = () =>
  new Promise((resolve, reject) => {
    const w = new Worker(new URL('./f64-pool.worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<PoolCheck[] | { error: string }>) => {
      w.terminate();
      if ('error' in e.data) reject(new Error(e.data.error));
      else resolve(e.data);
    };
    w.onerror = (e) => reject(new Error(e.message));
  });
document.getElementById('out')!.textContent = 'ready: call window.f64PoolChecks()';
