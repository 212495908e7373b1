/**
 * The bounds the WGSL kernel and WebGPU runtime checks are held to, in one place: the Playwright
 * specs (e2e/*.harness.spec.ts) and the GPU check kit (scripts/gpu-kit/check/kernels.ts) assert the
 * same numbers. Plain data, no imports: a spec running in Node loads it without the pages' code.
 */

/** WGSL matmul / moments vs float64 (kernel-checks.ts): max-norm relative error; counts exact. */
export const KERNEL_TOLERANCE = 1e-5;

/** The GPU editor vs the float64 editor over a 20-turn stream: ΔW and every diagnostic. */
export const EDITOR_TOLERANCE = 1e-4;

/** The WGSL Jacobi whitening: Σ^{-1/2} against the float64 eigh. */
export const EIGEN_TOLERANCE = 1e-4;

/** Every graph op on the WebGPU EP vs the float64 interpreter (normwise relative). */
export const OP_TOLERANCE = 1e-4;

/** The runtime self-check (runtime/webgpu-check.ts): capture loss and keys, gradients vs finite differences, an edit. */
export const RUNTIME_TOLERANCE = { loss: 1e-4, keys: 1e-4, grads: 1e-3, edit: 1e-4 } as const;

/** The Jacobi cases `npm test` runs (src/gpu-checks/wgsl-checks.test.ts; larger d opt-in in Chromium: EIGEN_DS, e2e/editor-kernels.harness.spec.ts). */
export const EIGEN_CASES = [
  { name: 'd 16, κ 1e2', d: 16, kappa: 1e2, warm: true },
  { name: 'd 33 (odd), κ 1e4', d: 33, kappa: 1e4, warm: true },
  { name: 'd 64, κ 1e8 above the clamp (λ 1e3 … 1e-5)', d: 64, kappa: 1e8, lambdaMax: 1e3, warm: true },
  { name: 'd 64, κ 1e8 with the clamp active (λ 1 … 1e-8)', d: 64, kappa: 1e8, lambdaMax: 1 },
  { name: 'd 96, rank 30 (scatter of 30 rows)', d: 96, rank: 30, warm: true },
  { name: 'd 128, κ 1e6', d: 128, kappa: 1e6, lambdaMax: 10, warm: true },
];
