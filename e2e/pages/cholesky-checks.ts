/**
 * The blocked Cholesky and triangular solves (shaders/editor/cholesky.wgsl, trisolve.wgsl) against
 * their float64 twin (src/engine/linalg/cholesky.ts) in Chromium: SPD A = Q diag(λ_i) Qᵀ + λ_ridge·I
 * with a log-spaced spectrum of condition κ, n across the block width (off the block and the tile),
 * m right-hand sides. Reported per case: the factor L and the solution X (max-norm relative error
 * against the float64 ones), the normwise backward error ‖AX − B‖ / (‖A‖‖X‖) of the GPU X (∞-norms),
 * and κ(A) itself. Bounds (fp32 unit roundoff ε = 2⁻²³): backward error ≤ n·ε, the order of the
 * classical bound for Cholesky and substitution (Higham, ch. 10); L and X within max(1e-5, κ(A)·ε) of the
 * twin (the perturbation bound of the solution; L's is smaller).
 */
import { readBuffer, readFloat32, uploadBuffer } from '../../src/engine/gpu/buffers';
import { maxRelativeError } from '../../src/engine/gpu/compare';
import { createGpuContext } from '../../src/engine/gpu/context';
import { requestGpu } from '../../src/engine/gpu/device';
import { EditorKernels } from '../../src/engine/gpu/editor/kernels';
import type { EditorKernelCheck } from './editor-kernel-checks';
import { bundledEditorShaderSources } from '../../src/engine/gpu/editor/shader-sources.vite';
import { cholesky, solveSpd } from '../../src/engine/linalg/cholesky';
import { spdWithCondition } from '../../src/engine/linalg/test-matrices';
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

// n from below one block (32) to 9 blocks, off the block and the 64-wide tile; κ of the spectrum up to
// 1e6 with a ridge λ of 1e-6 … 1e-2 of its top. Larger n: e2e/cholesky.harness.spec.ts (opt-in).
export const CHOLESKY_CASES: CholeskyCase[] = [
  { n: 31, kappa: 1e2, lambda: 1e-2, m: 40 },
  { n: 33, kappa: 1e6, lambda: 1e-6, m: 17 },
  { n: 100, kappa: 1e6, lambda: 1e-6, m: 40 },
  { n: 257, kappa: 1e4, lambda: 1e-4, m: 64 },
];

const F32_EPS = 2 ** -23;

export interface CholeskyCheck extends CholeskyCase {
  /** κ(A) with the ridge term. */
  kappaA: number;
  info: number;
  errL: number;
  errX: number;
  backward: number;
  ms: number;
}

/** The cases on a device of their own (the opt-in large sizes), as kernel checks. */
export async function runCholeskyChecks(cases: CholeskyCase[]): Promise<EditorKernelCheck[]> {
  const { device } = await requestGpu();
  const K = await EditorKernels.load(createGpuContext(device, bundledEditorShaderSources));
  try {
    const out: EditorKernelCheck[] = [];
    for (const c of cases) out.push(...choleskyKernelChecks(await checkCholesky(K, c)));
    return out;
  } finally {
    device.destroy();
  }
}

/** The two checks of a case with their bounds, as runEditorKernelChecks reports them. */
export function choleskyKernelChecks(r: CholeskyCheck): EditorKernelCheck[] {
  const name = `cholesky n ${r.n}, m ${r.m}, κ(A) ${r.kappaA.toExponential(1)}`;
  const failed = r.info === 0 ? 0 : Infinity;
  return [
    { name: `${name}: backward error (≤ n·ε)`, errors: { backward: r.backward + failed }, tolerance: r.n * F32_EPS, notes: { ms: r.ms } },
    {
      name: `${name}: L, X vs float64 (≤ κ·ε)`,
      errors: { L: r.errL + failed, X: r.errX + failed },
      tolerance: Math.max(1e-5, r.kappaA * F32_EPS),
    },
  ];
}

export async function checkCholesky(K: EditorKernels, c: CholeskyCase): Promise<CholeskyCheck> {
  const device = K.ctx.device;
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
  for (const buf of [ga, gx]) {
    K.bindings.forget(buf);
    buf.destroy();
  }
  K.ctx.pool.release(info);
  return {
    ...c,
    kappaA: (1 + c.lambda) / (1 / c.kappa + c.lambda),
    info: status,
    errL: maxRelativeError(L, refL),
    errX: maxRelativeError(X, refX),
    backward: backwardError(a32, X, b, n, m),
    ms,
  };
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
