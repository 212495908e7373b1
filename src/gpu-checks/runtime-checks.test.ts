/**
 * The WebGPU runtime against float64 on Dawn (SwiftShader here), CPU fallback disabled
 * (`disable_cpu_ep_fallback`: a node the EP will not take fails session creation, so passing means
 * every node ran on the GPU): every graph op case (outputs and VJPs) ≤ OP_TOLERANCE against the float64
 * interpreter, and capture / gradients / predict / an edit on tiny gpt2 and llama (GQA) within
 * RUNTIME_TOLERANCE of the float64 reference. The checks are the browser harness's
 * (e2e/pages/runtime-checks.ts); Chromium keeps the model checks too (e2e/runtime-webgpu.harness.spec.ts),
 * for the page's own onnxruntime-web, and hands the op table to this file.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { OP_TOLERANCE, RUNTIME_TOLERANCE } from '../../e2e/pages/check-bounds';
import { runOpCases, runRuntimeChecks } from '../../e2e/pages/runtime-checks';
import { dawnSkip, installDawn } from './dawn';

describe.skipIf(dawnSkip !== null)(`the WebGPU runtime vs float64 on Dawn${dawnSkip ? ` (skipped: ${dawnSkip})` : ''}`, () => {
  beforeAll(installDawn);

  it('every graph op runs on the WebGPU EP without CPU fallback and matches float64', { timeout: 600_000 }, async () => {
    const results = await runOpCases();
    for (const r of results) console.log(`${r.name.padEnd(48)} ${r.err === null ? 'FAILED ' + r.error : r.err.toExponential(2)}`);
    expect(results.length).toBeGreaterThanOrEqual(45);
    for (const r of results) {
      expect(r.err, `${r.name}: ${r.error}`).not.toBeNull();
      expect(r.err!, r.name).toBeLessThanOrEqual(OP_TOLERANCE);
    }
  });

  it('capture, predict, next tokens and applyDelta match the float64 reference (gpt2, llama GQA)', { timeout: 600_000 }, async () => {
    const checks = await runRuntimeChecks();
    for (const c of checks)
      console.log(
        `${c.model.padEnd(16)} loss ${c.loss.toExponential(1)}  keys ${c.keys.toExponential(1)}  grads ${c.grads.toExponential(1)}  edit ${c.edit.toExponential(1)}  (${c.nodes} capture nodes)`,
      );
    expect(checks.map((c) => c.model)).toEqual(['gpt2', 'llama GQA 4/2']);
    for (const c of checks)
      for (const k of ['loss', 'keys', 'grads', 'edit'] as const)
        expect(c[k], `${c.model}: ${k}`).toBeLessThanOrEqual(RUNTIME_TOLERANCE[k]);
  });
});
