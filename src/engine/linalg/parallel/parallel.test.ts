/**
 * The float64 pool against its one-thread twin: every split kernel gives the same bits at 2 and 3
 * threads (more threads than this machine's cores: the split, not the speed, is under test), and the
 * one-thread results themselves are held to the float64 reference (eigh.test.ts, linalg.test.ts).
 * Order 150 (not a multiple of 4: tail rows and columns) and κ 1e6; ~6 s with the workers' start-up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng';
import { symmetricEigen } from '../eigh';
import { inverseSqrtEigh } from '../inverse-sqrt';
import { matmul } from '../matmul';
import { relativeError, spdWithCondition } from '../test-matrices';
import { startNodeWorkers } from './node-pool';
import { SERIAL_POOL, type F64Pool } from './pool';
import { startWebPool } from './web-pool';

const pools: F64Pool[] = [];
const ran: string[] = [];
/** The pool, noting each task it splits (a kernel that silently stayed on one thread would pass `same`). */
const noting = (p: F64Pool): F64Pool => ({ ...p, threads: p.threads, run: (task, b, q) => (ran.push(task), p.run(task, b, q)) });
beforeAll(async () => {
  for (const t of [2, 3]) pools.push(noting(await startNodeWorkers(t)));
}, 60_000);
afterAll(() => pools.forEach((p) => p.close()));

const same = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

describe('float64 pool', () => {
  it('eigh and Σ^{-1/2}: bit-identical at 1–3 threads, and Σ^{-1/2} still whitens', () => {
    const n = 150;
    const { a } = spdWithCondition(n, 1e6, 2, new Rng(7));
    const one = inverseSqrtEigh(a, n, 1e-12, SERIAL_POOL);
    ran.length = 0;
    for (const pool of pools) {
      const p = inverseSqrtEigh(a, n, 1e-12, pool);
      expect(pool.threads).toBeGreaterThan(1);
      expect(same(p.eigen.values, one.eigen.values), `${pool.threads} threads: values`).toBe(true);
      expect(same(p.eigen.vectors, one.eigen.vectors), `${pool.threads} threads: vectors`).toBe(true);
      expect(same(p.invSqrt, one.invSqrt), `${pool.threads} threads: Σ^-1/2`).toBe(true);
    }
    expect(new Set(ran)).toEqual(new Set(['basis', 'rotations', 'invsqrt']));
    // X·Σ·X = I for the (shared) result: the twin is correct, not only reproducible.
    const xs = matmul(matmul(one.invSqrt, a, { m: n, k: n, n }), one.invSqrt, { m: n, k: n, n });
    const eye = new Float64Array(n * n);
    for (let i = 0; i < n; i++) eye[i * n + i] = 1;
    expect(relativeError(xs, eye)).toBeLessThan(1e-9);
  });

  it('eigh of a matrix with repeated eigenvalues (early deflation, short sweeps): bit-identical', () => {
    const n = 131;
    const a = new Float64Array(n * n);
    const rng = new Rng(3);
    const v = rng.normals(n * 4) as Float64Array;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let r = 0; r < 4; r++) a[i * n + j] += v[r * n + i] * v[r * n + j];
    const one = symmetricEigen(a, n, SERIAL_POOL);
    for (const pool of pools) {
      const p = symmetricEigen(a, n, pool);
      expect(same(p.values, one.values) && same(p.vectors, one.vectors), `${pool.threads} threads`).toBe(true);
    }
  });

  it('matmul, every transpose: bit-identical, and equal to the plain triple loop within 1e-13', () => {
    const rng = new Rng(11);
    const [m, k, n] = [203, 150, 170];
    const a = rng.normals(m * k) as Float64Array;
    const b = rng.normals(k * n) as Float64Array;
    for (const [transA, transB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      const s = { m, k, n, transA, transB };
      const one = matmul(a, b, s, undefined, SERIAL_POOL);
      const ref = new Float64Array(m * n);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let acc = 0;
          for (let p = 0; p < k; p++) acc += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
          ref[i * n + j] = acc;
        }
      expect(relativeError(one, ref)).toBeLessThan(1e-13);
      for (const pool of pools)
        expect(same(matmul(a, b, s, undefined, pool), one), `${pool.threads} threads, ${transA}/${transB}`).toBe(true);
    }
    expect(ran.filter((t) => t === 'matmul').length).toBeGreaterThanOrEqual(8);
  });

  it('the browser pool stays on one thread without cross-origin isolation, and says why', async () => {
    expect((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated).not.toBe(true);
    const pool = await startWebPool(2);
    expect(pool.threads).toBe(1);
    expect(pool.note).toBe('float64 editor math on 1 thread: the page is not cross-origin isolated (no SharedArrayBuffer)');
  });
});
