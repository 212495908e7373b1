/**
 * /benchmarks/pages/whitening.html?d=256,768,1024: the whitening of one turn, GPU path (WGSL Jacobi, cold and warm
 * started) and float64 path (tred2 + tql2 eigh) side by side in one page, on the same Σ (κ 1e6,
 * log-spaced spectrum) and the same "next turn" Σ' for the warm start. Times include encoding, the run
 * and the readback of Σ^{-1/2}; FLOPs are nominal float64 operation counts (eigh 9d³ + 2d³; Jacobi 8n³
 * per sweep + 2d³, + 6n³ for a warm start's products and polar step), so GFLOP/s compare the two paths
 * on equal work. `window.__bench` holds { done, rows, error } for benchmarks/node/browser.ts --whitening.
 */
import { readFloat32, writeBuffer } from '../../src/engine/gpu/buffers';
import { maxRelativeError } from '../../src/engine/gpu/compare';
import { createGpuContext } from '../../src/engine/gpu/context';
import { requestGpu } from '../../src/engine/gpu/device';
import { JacobiWhitener } from '../../src/engine/gpu/editor/jacobi';
import { EditorKernels } from '../../src/engine/gpu/editor/kernels';
import { bundledEditorShaderSources } from '../../src/engine/gpu/editor/shader-sources.vite';
import { inverseSqrtEigh } from '../../src/engine/linalg/inverse-sqrt';
import { spdWithCondition } from '../../src/engine/linalg/test-matrices';
import { Rng } from '../../src/engine/util/rng';
import { whiteningTable, type WhiteningRow } from '../src/whitening-table';
import { benchPageState, runBenchPage } from './page-state';

const state = benchPageState<WhiteningRow>();
const out = document.getElementById('out')!;
const dims = (new URLSearchParams(location.search).get('d') ?? '64,128,256').split(',').map(Number);

const eighFlops = (d: number) => 11 * d ** 3;
const jacobiFlops = (d: number, sweeps: number, warm: boolean) => {
  const n = d + (d % 2);
  return 8 * n ** 3 * sweeps + 2 * d ** 3 + (warm ? 6 * n ** 3 : 0);
};

async function main() {
  const gpu = await requestGpu();
  const a = gpu.info.adapter;
  state.adapter = `${a.vendor} ${a.architecture}${a.isFallbackAdapter ? ' (fallback adapter)' : ''}; timestamp-query ${gpu.device.features.has('timestamp-query') ? 'yes' : 'no'}`;
  const ctx = createGpuContext(gpu.device, bundledEditorShaderSources);
  const K = await EditorKernels.load(ctx);
  const jacobi = await JacobiWhitener.create(K);
  const rng = new Rng(5);
  for (const d of dims) {
    const { a, values } = spdWithCondition(d, 1e6, 1, rng);
    const u = inverseSqrtEigh(a, d).eigen.vectors;
    // Next turn: Σ' = 0.95·Σ + 0.05·(scatter of 8 rows drawn from Σ), as consecutive turns of a run.
    const next = a.map((v) => 0.95 * v);
    for (let r = 0; r < 8; r++) {
      const g = new Float64Array(d);
      for (let j = 0; j < d; j++) {
        const z = rng.normal() * Math.sqrt(values[d - 1 - j]);
        for (let i = 0; i < d; i++) g[i] += z * u[j * d + i];
      }
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) next[i * d + j] += (0.05 / 8) * g[i] * g[j];
    }
    const cov = K.buffer(d * d, 'Σ');
    const invSqrt = K.buffer(d * d, 'Σ^-1/2');
    const eigenvalues = K.buffer(d, 'λ');
    const solve = async (sigma: Float64Array) => {
      const s32 = Float32Array.from(sigma);
      writeBuffer(gpu.device, cov, s32);
      const t0 = performance.now();
      const e = gpu.device.createCommandEncoder();
      jacobi.whiten({ encoder: () => e, submit: async () => {} }, { key: `${d}`, cov, d, scale: 1, invSqrt, eigenvalues });
      await K.submit(e, `whitening ${d}`);
      const got = await readFloat32(gpu.device, invSqrt, d * d);
      const ms = performance.now() - t0;
      const t1 = performance.now();
      const ref = inverseSqrtEigh(Float64Array.from(s32), d).invSqrt;
      return { ms, float64Ms: performance.now() - t1, err: maxRelativeError(got, ref), sweeps: await jacobi.sweeps(`${d}`) };
    };
    const cold = await solve(a);
    const warm = await solve(next);
    state.rows.push({
      d,
      float64Ms: cold.float64Ms,
      gpuColdMs: cold.ms,
      gpuWarmMs: warm.ms,
      sweepsCold: cold.sweeps,
      sweepsWarm: warm.sweeps,
      errCold: cold.err,
      errWarm: warm.err,
      float64Gflops: eighFlops(d) / cold.float64Ms / 1e6,
      gpuColdGflops: jacobiFlops(d, cold.sweeps, false) / cold.ms / 1e6,
      gpuWarmGflops: jacobiFlops(d, warm.sweeps, true) / warm.ms / 1e6,
    });
    for (const b of [cov, invSqrt, eigenvalues]) b.destroy();
    out.textContent = whiteningTable(state.rows);
  }
  jacobi.dispose();
}

runBenchPage(state, out, main);
