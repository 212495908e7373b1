/**
 * The blocked Cholesky and triangular solves (shaders/editor/cholesky.wgsl, trisolve.wgsl) against
 * their float64 twin (src/engine/linalg/cholesky.ts) in Chromium: SPD A = Q diag(λ_i) Qᵀ + λ_ridge·I
 * with a log-spaced spectrum of condition κ, n across the block width (off the block and the tile),
 * m right-hand sides. Reported per case: the factor L and the solution X (max-norm relative error
 * against the float64 ones), the normwise backward error ‖AX − B‖ / (‖A‖‖X‖) of the GPU X (∞-norms),
 * and κ(A) itself.
 */
import { readBuffer, readFloat32, uploadBuffer } from '../../src/engine/gpu/buffers';
import { maxRelativeError } from '../../src/engine/gpu/compare';
import { createGpuContext } from '../../src/engine/gpu/context';
import { requestGpu } from '../../src/engine/gpu/device';
import { EditorKernels } from '../../src/engine/gpu/editor/kernels';
import { bundledEditorShaderSources } from '../../src/engine/gpu/editor/shader-sources.vite';
import { cholesky, solveSpd } from '../../src/engine/linalg/cholesky';
import { spdWithCondition } from '../../src/engine/linalg/testMatrices';
import { Rng } from '../../src/engine/util/rng';

export interface CholeskyCase {
  n: number;
  /** Condition number of the spectrum before the ridge term. */
  kappa: number;
  /** Ridge λ added to the diagonal (the spectrum's largest eigenvalue is 1). */
  lambda: number;
  /** Right-hand sides. */
  m: number;
}

export interface CholeskyCheck extends CholeskyCase {
  /** κ(A) with the ridge term. */
  kappaA: number;
  info: number;
  errL: number;
  errX: number;
  backward: number;
  ms: number;
}

export async function runCholeskyChecks(cases: CholeskyCase[]): Promise<CholeskyCheck[]> {
  const { device } = await requestGpu();
  const ctx = createGpuContext(device, bundledEditorShaderSources);
  const K = await EditorKernels.load(ctx);
  const out: CholeskyCheck[] = [];
  try {
    for (const c of cases) {
      const { n, m } = c;
      const rng = new Rng(1400 + n);
      const { a } = spdWithCondition(n, c.kappa, 1, rng);
      for (let i = 0; i < n; i++) a[i * n + i] += c.lambda;
      const b = new Float64Array(n * m);
      for (let i = 0; i < b.length; i++) b[i] = rng.normal();
      // The twin factors the matrix the GPU sees: A rounded to fp32.
      const a32 = Float32Array.from(a);
      const refL = cholesky(a32, n);
      const refX = solveSpd(a32, b, n, m);
      const ga = uploadBuffer(device, a32, undefined, 'A');
      const gx = uploadBuffer(device, Float32Array.from(b), undefined, 'B');
      const info = K.buffer(1, 'info');
      const t0 = performance.now();
      const e = device.createCommandEncoder({ label: `cholesky ${n}` });
      K.cholesky(e, ga, info, n);
      K.triangularSolve(e, ga, gx, n, m, false);
      K.triangularSolve(e, ga, gx, n, m, true);
      await K.submit(e, `cholesky ${n}`);
      const status = new Uint32Array(await readBuffer(device, info, 4))[0];
      const ms = performance.now() - t0;
      const L = await readFloat32(device, ga, n * n);
      const X = await readFloat32(device, gx, n * m);
      out.push({
        ...c,
        kappaA: (1 + c.lambda) / (1 / c.kappa + c.lambda),
        info: status,
        errL: maxRelativeError(L, refL),
        errX: maxRelativeError(X, refX),
        backward: backwardError(a32, X, b, n, m),
        ms,
      });
      for (const buf of [ga, gx]) {
        K.bindings.forget(buf);
        buf.destroy();
      }
      ctx.pool.release(info);
    }
  } finally {
    device.destroy();
  }
  return out;
}

/** ‖AX − B‖∞ / (‖A‖∞‖X‖∞), in float64. */
function backwardError(a: ArrayLike<number>, x: ArrayLike<number>, b: ArrayLike<number>, n: number, m: number): number {
  let r = 0;
  let normA = 0;
  let normX = 0;
  for (let i = 0; i < n; i++) {
    let rowA = 0;
    for (let k = 0; k < n; k++) rowA += Math.abs(a[i * n + k]);
    normA = Math.max(normA, rowA);
    let rowX = 0;
    let rowR = 0;
    for (let c = 0; c < m; c++) {
      let s = -b[i * m + c];
      for (let k = 0; k < n; k++) s += a[i * n + k] * x[k * m + c];
      rowR += Math.abs(s);
      rowX += Math.abs(x[i * m + c]);
    }
    r = Math.max(r, rowR);
    normX = Math.max(normX, rowX);
  }
  return r / (normA * normX);
}
