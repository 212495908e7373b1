/**
 * `npm run bench:f64 [-- --sizes 768,1024,2048] [--threads 1,2] [--reps 3]`: the float64 whitening
 * (Σ^{-1/2} by the exact eigh, linalg/inverse-sqrt.ts) and the dual solve's largest product
 * (Kᵀ·X, dIn 3072 × N 100 × d) on 1 thread vs the float64 pool (linalg/parallel/), the thread
 * settings alternating rep by rep so a shared machine's load falls on both alike. Prints a table
 * with the process's CPU time ÷ wall time over the whitening (above 1: threads ran at once) and the
 * load average around each rep; every result is checked bit-identical to the first setting's.
 */
import { loadavg } from 'node:os';
import { inverseSqrtEigh } from '../../src/engine/linalg/inverse-sqrt';
import { matmul } from '../../src/engine/linalg/matmul';
import { startNodeWorkers } from '../../src/engine/linalg/parallel/node-pool';
import type { F64Pool } from '../../src/engine/linalg/parallel/pool';
import { spdWithCondition } from '../../src/engine/linalg/test-matrices';
import { Rng } from '../../src/engine/util/rng';
import { flag } from './flag';

const same = (a: Float64Array, b: Float64Array) => a.every((x, i) => Object.is(x, b[i]));

async function main() {
  const argv = process.argv.slice(2);
  const sizes = flag(argv, 'sizes', '768,1024,2048').split(',').map(Number);
  const settings = flag(argv, 'threads', '1,2').split(',').map(Number);
  const reps = Number(flag(argv, 'reps', '3'));
  if ([...sizes, ...settings, reps].some((x) => !Number.isInteger(x) || x < 1))
    throw new Error('bench:f64: --sizes, --threads and --reps take positive integers');
  const pools = new Map<number, F64Pool>();
  for (const t of settings) pools.set(t, await startNodeWorkers(t));
  const rows: string[] = [];
  for (const d of sizes) {
    const { a } = spdWithCondition(d, 1e4, 1, new Rng(d));
    const rng = new Rng(d + 1);
    const k = rng.normals(100 * 3072) as Float64Array;
    const x = rng.normals(100 * d) as Float64Array;
    const first: { w?: Float64Array; m?: Float64Array } = {};
    for (let rep = 1; rep <= reps; rep++)
      for (const t of settings) {
        const pool = pools.get(t)!;
        const load0 = loadavg()[0];
        const cpu0 = process.cpuUsage();
        let t0 = performance.now();
        const w = inverseSqrtEigh(a, d, undefined, pool).invSqrt;
        const whitenMs = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        const whitenCpuMs = (cpu.user + cpu.system) / 1000;
        t0 = performance.now();
        const m = matmul(k, x, { m: 3072, k: 100, n: d, transA: true }, undefined, pool);
        const matmulMs = performance.now() - t0;
        first.w ??= w;
        first.m ??= m;
        const identical = same(w, first.w) && same(m, first.m);
        const row = `| ${d} | ${rep} | ${t} | ${whitenMs.toFixed(0)} | ${(whitenCpuMs / whitenMs).toFixed(2)} | ${matmulMs.toFixed(0)} | ${identical ? 'yes' : 'NO'} | ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)} |`;
        console.error(row);
        rows.push(row);
      }
  }
  for (const p of pools.values()) p.close();
  console.log(
    [
      '| d | rep | threads | whitening ms | whitening CPU ÷ wall | Kᵀ·X ms (3072×100×d) | same bits | load avg |',
      '| - | - | - | - | - | - | - | - |',
      ...rows,
    ].join('\n'),
  );
}

void main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
