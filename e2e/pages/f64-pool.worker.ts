/**
 * The browser's float64 pool (Web Workers, linalg/parallel/web-pool.ts) against one thread: Σ^{-1/2}
 * by the eigh and a large matmul, same bits at 2 and 3 threads, and which tasks the pool split.
 */
import { inverseSqrtEigh } from '../../src/engine/linalg/inverse-sqrt';
import { matmul } from '../../src/engine/linalg/matmul';
import { SERIAL_POOL, type F64Pool } from '../../src/engine/linalg/parallel/pool';
import { startWebPool, startWebWorkers } from '../../src/engine/linalg/parallel/web-pool';
import { spdWithCondition } from '../../src/engine/linalg/test-matrices';
import { Rng } from '../../src/engine/util/rng';

export interface PoolCheck {
  threads: number;
  sameEigh: boolean;
  sameMatmul: boolean;
  tasks: string[];
  /** startWebPool() with no request on this page: its thread count. */
  defaultThreads: number;
}

const same = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

async function checks(): Promise<PoolCheck[]> {
  const n = 150;
  const { a } = spdWithCondition(n, 1e6, 2, new Rng(7));
  const rng = new Rng(11);
  const k = rng.normals(150 * 203) as Float64Array;
  const x = rng.normals(150 * 170) as Float64Array;
  const shape = { m: 203, k: 150, n: 170, transA: true };
  const one = inverseSqrtEigh(a, n, 1e-12, SERIAL_POOL);
  const oneMm = matmul(k, x, shape, undefined, SERIAL_POOL);
  const fallback = await startWebPool();
  fallback.close();
  const out: PoolCheck[] = [];
  for (const threads of [2, 3]) {
    const started = await startWebWorkers(threads);
    const tasks: string[] = [];
    const pool: F64Pool = { ...started, threads: started.threads, run: (t, b, p) => (tasks.push(t), started.run(t, b, p)) };
    const p = inverseSqrtEigh(a, n, 1e-12, pool);
    const mm = matmul(k, x, shape, undefined, pool);
    started.close();
    out.push({
      threads: pool.threads,
      sameEigh: same(p.invSqrt, one.invSqrt) && same(p.eigen.vectors, one.eigen.vectors) && same(p.eigen.values, one.eigen.values),
      sameMatmul: same(mm, oneMm),
      tasks: [...new Set(tasks)].sort(),
      defaultThreads: fallback.threads,
    });
  }
  return out;
}

const scope = self as unknown as DedicatedWorkerGlobalScope;
checks().then(
  (r) => scope.postMessage(r),
  (e) => scope.postMessage({ error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) }),
);
