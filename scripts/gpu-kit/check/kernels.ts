/**
 * Step (a) of the kit: every WGSL kernel and the WebGPU runtime against their float64 twins, through
 * the very checks the browser harness runs (e2e/pages/*-checks.ts, the bounds of check-bounds.ts),
 * here on Dawn. One group per process (run.sh gives each its own time limit); each gives pass/fail
 * rows with the errors measured.
 */
import { editorNames } from '../../../src/engine/editors/registry';
import {
  EDITOR_TOLERANCE,
  EIGEN_CASES,
  EIGEN_TOLERANCE,
  KERNEL_TOLERANCE,
  OP_TOLERANCE,
  RUNTIME_TOLERANCE,
} from '../../../e2e/pages/check-bounds';
import { runEditorKernelChecks, runEigenChecks, runGpuEditorChecks } from '../../../e2e/pages/editor-kernel-checks';
import { runHarnessChecks, runKernelChecks } from '../../../e2e/pages/kernel-checks';
import { runFrozen16Check, runOpCases, runRuntimeChecks } from '../../../e2e/pages/runtime-checks';

export interface CheckRow {
  name: string;
  /** The measured errors (max-norm relative unless named otherwise); empty for a yes/no check. */
  errors: Record<string, number>;
  /** What the row is held to, in words ("≤ 1e-5"). */
  bound: string;
  pass: boolean;
  detail?: string;
}

const within = (errors: Record<string, number>, tol: number, exact: string[] = []) =>
  Object.entries(errors).every(([k, v]) => v <= (exact.includes(k) ? 0 : tol));

export const CHECK_GROUPS: Record<string, () => Promise<CheckRow[]>> = {
  /** WGSL matmul and moments vs float64, and the harness's caching and error naming. */
  kernels: async () => [
    ...(await runKernelChecks()).map((r) => ({
      name: r.name,
      errors: r.errors,
      bound: `≤ ${KERNEL_TOLERANCE} (count exact)`,
      pass: within(r.errors, KERNEL_TOLERANCE, ['count']),
    })),
    ...(await runHarnessChecks()).map((c) => ({ name: `harness: ${c.name}`, errors: {}, bound: 'holds', pass: c.ok, detail: c.detail })),
  ],
  /** Every editor kernel (Chan merge, scatter, values, ridge, blocked Cholesky, bind-group reuse) vs float64. */
  'editor-kernels': async () =>
    (await runEditorKernelChecks()).map((r) => {
      // "f64 twins" outputs compare two float64 forms with each other: printed, not held (as the spec).
      const held = Object.fromEntries(Object.entries(r.errors).filter(([k]) => !k.includes('f64 twins')));
      return { name: r.name, errors: r.errors, bound: `≤ ${r.tolerance}`, pass: within(held, r.tolerance) };
    }),
  /** The WGSL Jacobi whitening vs the float64 eigh, cold and warm started. */
  jacobi: async () =>
    (await runEigenChecks(EIGEN_CASES)).map((r) => {
      const errors: Record<string, number> = {
        'Σ^-1/2 cold': r.invSqrtCold,
        ...(r.invSqrtWarm === null ? {} : { 'Σ^-1/2 warm': r.invSqrtWarm }),
      };
      return { name: `jacobi ${r.name}`, errors, bound: `≤ ${EIGEN_TOLERANCE}`, pass: within(errors, EIGEN_TOLERANCE) };
    }),
  /** The GPU editor vs the float64 editor over a 20-turn stream, every built-in editor. */
  'gpu-editor': async () =>
    (await runGpuEditorChecks([...editorNames])).map((r) => ({
      name: `GPU editor ${r.editor}, ${r.turns} turns`,
      errors: r.worst,
      bound: `≤ ${EDITOR_TOLERANCE}, on the GPU, NaN turn refused`,
      pass: r.backend === 'gpu' && r.fallback === null && r.nanTurnKept && /turn 7/.test(r.nanError) && within(r.worst, EDITOR_TOLERANCE),
      detail: r.fallback ?? undefined,
    })),
  /** Every graph op (outputs and VJPs) on the WebGPU EP, no CPU fallback, vs the float64 interpreter. */
  ops: async () =>
    (await runOpCases()).map((r) => ({
      name: `op ${r.name}`,
      errors: (r.err === null ? {} : { rel: r.err }) as Record<string, number>,
      bound: `≤ ${OP_TOLERANCE}`,
      pass: r.err !== null && r.err <= OP_TOLERANCE,
      detail: r.error,
    })),
  /** Capture, gradients, predict, next tokens and an edit on tiny gpt2 / llama vs float64; frozen weights in 16 bits. */
  runtime: async () => {
    const rows: CheckRow[] = (await runRuntimeChecks()).map((c) => {
      const errors = { loss: c.loss, keys: c.keys, grads: c.grads, edit: c.edit };
      const pass = (Object.keys(errors) as (keyof typeof errors)[]).every((k) => errors[k] <= RUNTIME_TOLERANCE[k]);
      return { name: `runtime ${c.model}`, errors, bound: 'loss, keys, edit ≤ 1e-4; grads ≤ 1e-3', pass };
    });
    const f = await runFrozen16Check();
    rows.push({
      name: `frozen16 (shader-f16 ${f.shaderF16 ? 'yes' : 'no'}, ${f.fp16Tensors} fp16 tensors)`,
      errors: {},
      bound: 'same logits and weights as fp32',
      pass: f.sameLogits && f.sameWeights && (f.shaderF16 ? f.fp16Tensors > 0 : f.fp16Tensors === 0),
      detail: f.note,
    });
    return rows;
  },
};
