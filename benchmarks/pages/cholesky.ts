/**
 * /benchmarks/pages/cholesky.html?n=256,512,1024,2048&m=256: the ridge system's Cholesky and triangular solves on
 * the GPU, single-workgroup schedule (one block of n, what the editor ran before) against the blocked
 * one the editor runs (CHOLESKY_BLOCK, SOLVE_BLOCK), on the same SPD matrix in one page. Times are from submit to
 * queue completion, the best of a few runs (one at n ≥ 1024); FLOP-based columns: benchmarks/src/cholesky-table.ts.
 * `window.__bench` holds { done, rows, error } for benchmarks/node/browser.ts --cholesky.
 */
import { readFloat32, writeBuffer } from '../../src/engine/gpu/buffers';
import { maxRelativeError } from '../../src/engine/gpu/compare';
import { createGpuContext } from '../../src/engine/gpu/context';
import { requestGpu } from '../../src/engine/gpu/device';
import { CHOLESKY_BLOCK, EditorKernels, SOLVE_BLOCK } from '../../src/engine/gpu/editor/kernels';
import { bundledEditorShaderSources } from '../../src/engine/gpu/editor/shader-sources.vite';
import { Rng } from '../../src/engine/util/rng';
import { choleskyTable, type CholeskyRow } from '../src/cholesky-table';
import { benchPageState, runBenchPage } from './page-state';

const state = benchPageState<CholeskyRow>();
const out = document.getElementById('out')!;
const query = new URLSearchParams(location.search);
const sizes = (query.get('n') ?? '256,512').split(',').map(Number);
const m = Number(query.get('m') ?? 256);

async function main() {
  const gpu = await requestGpu();
  const ad = gpu.info.adapter;
  state.adapter = `${ad.vendor} ${ad.architecture}${ad.isFallbackAdapter ? ' (fallback adapter)' : ''}`;
  const device = gpu.device;
  const ctx = createGpuContext(device, bundledEditorShaderSources);
  const K = await EditorKernels.load(ctx);
  const rng = new Rng(9);
  for (const n of sizes) {
    // Symmetric, diagonally dominant, hence SPD: built in O(n²), unlike a spectrum-controlled one.
    const a = new Float32Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) a[i * n + j] = a[j * n + i] = rng.uniform() * 2 - 1;
      a[i * n + i] = n;
    }
    const b = Float32Array.from({ length: n * m }, () => rng.normal());
    const ga = K.buffer(n * n, 'A');
    const gx = K.buffer(n * m, 'X');
    const info = K.buffer(1, 'info');
    const time = async (body: (e: GPUCommandEncoder) => void) => {
      const e = device.createCommandEncoder();
      body(e);
      const t0 = performance.now();
      await K.submit(e, `cholesky bench ${n}`);
      await device.queue.onSubmittedWorkDone();
      return performance.now() - t0;
    };
    const run = async (block: number, solveBlock: number) => {
      let factor = Infinity;
      let solve = Infinity;
      for (let rep = 0; rep < (n >= 1024 ? 1 : 3); rep++) {
        writeBuffer(device, ga, a);
        writeBuffer(device, gx, b);
        factor = Math.min(factor, await time((e) => K.cholesky(e, ga, info, n, block)));
        solve = Math.min(
          solve,
          await time((e) => {
            K.triangularSolve(e, ga, gx, n, m, false, solveBlock);
            K.triangularSolve(e, ga, gx, n, m, true, solveBlock);
          }),
        );
      }
      return { factor, solve, x: await readFloat32(device, gx, n * m) };
    };
    const one = await run(n, n);
    const blocked = await run(CHOLESKY_BLOCK, SOLVE_BLOCK);
    state.rows.push({
      n,
      m,
      block: CHOLESKY_BLOCK,
      solveBlock: SOLVE_BLOCK,
      oneFactorMs: one.factor,
      blockedFactorMs: blocked.factor,
      oneSolveMs: one.solve,
      blockedSolveMs: blocked.solve,
      diff: maxRelativeError(blocked.x, one.x),
    });
    for (const buf of [ga, gx, info]) {
      K.bindings.forget(buf);
      buf.destroy();
    }
    out.textContent = choleskyTable(state.rows);
  }
}

runBenchPage(state, out, main);
