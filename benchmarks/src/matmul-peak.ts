/**
 * The backend's best matmul throughput on this machine: a one-node MatMul graph compiled by the same
 * executor the model runs on (ORT wasm or ORT WebGPU), at a few sizes, best of a few runs each. The
 * denominator's speed of the roofline ratio, measured in the same process as the turns.
 */
import { GraphBuilder } from '../../src/engine/graph/builder';
import type { GraphExecutor } from '../../src/engine/runtime/executor';
import type { Weights } from '../../src/engine/model/spec';
import { Rng } from '../../src/engine/util/rng';

export interface MatmulProbe {
  m: number;
  k: number;
  n: number;
  bestMs: number;
  gflops: number;
}

export async function measureMatmul(executor: GraphExecutor, m: number, k: number, n: number, reps = 3): Promise<MatmulProbe> {
  // names unique per size: the WebGPU executor keeps weight buffers by name
  const [an, bn] = [`a${m}x${k}x${n}`, `b${m}x${k}x${n}`];
  const g = new GraphBuilder();
  const a = g.input(an, 'float32', [m, k]);
  const b = g.input(bn, 'float32', [k, n]);
  g.output('c', g.matmul(a, b));
  const rng = new Rng(m * 7 + n);
  const fill = (len: number) => Float32Array.from({ length: len }, () => rng.uniform() - 0.5);
  const w: Weights = new Map([
    [an, { shape: [m, k], data: fill(m * k) }],
    [bn, { shape: [k, n], data: fill(k * n) }],
  ]);
  const compiled = await executor.compile({ g, weightNames: [an, bn] }, `matmul${m}x${k}x${n}`);
  try {
    await compiled.run({}, w); // first run allocates
    let best = Infinity;
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      await compiled.run({}, w);
      best = Math.min(best, performance.now() - t0);
    }
    return { m, k, n, bestMs: best, gflops: (2 * m * k * n) / (best * 1e6) };
  } finally {
    await compiled.release();
  }
}

/** Square sizes plus one model-like skinny product (sub-batch rows × hidden → MLP width). */
export async function matmulPeak(
  executor: GraphExecutor,
  sizes: number[],
  skinny?: [number, number, number],
): Promise<{ probes: MatmulProbe[]; bestGflops: number }> {
  const probes: MatmulProbe[] = [];
  for (const s of sizes) probes.push(await measureMatmul(executor, s, s, s));
  if (skinny) probes.push(await measureMatmul(executor, ...skinny));
  return { probes, bestGflops: Math.max(...probes.map((p) => p.gflops)) };
}
