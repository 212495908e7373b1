/**
 * The generated graphs on onnxruntime-web's WebGPU EP, on the lab's shared GPUDevice, with CPU
 * fallback disabled (`disable_cpu_ep_fallback`): a node the EP will not take fails session creation,
 * so passing means every node ran on the GPU. This is the page's own onnxruntime-web in Chromium; the
 * op table (every op case of graph/cases.ts, outputs and VJPs, and argMax/topK, ≤1e-4 against the
 * float64 interpreter) runs on Dawn under Vitest with the model checks below
 * (src/gpu-checks/runtime-checks.test.ts). Here:
 *  - tiny gpt2 and llama (GQA): capture loss/keys ≤1e-4, grads ≤1e-3 vs finite differences of the
 *    float64 reference, predict and next-token top-k = reference, applyDelta reaches the GPU buffer;
 *  - warm capture time on the WebGPU EP vs the wasm EP, same batch (printed, not asserted:
 *    SwiftShader here is a CPU, docs/design.md §4, so only the ratio means anything);
 *  - frozen weights in 16 bits: a BF16 llama loaded with frozen16 runs fp16 only where the device
 *    has 'shader-f16' (SwiftShader has not: then fp32, and the runtime says why), and gives the fp32
 *    load's logits and weights bit for bit either way.
 */
import { expect, test } from '@playwright/test';
import { RUNTIME_TOLERANCE } from './pages/check-bounds';
import type { Frozen16Check, RuntimeCheck } from '../src/engine/runtime/webgpu-check';

test.beforeEach(async ({ page }) => {
  page.on('console', (m) => (m.type() === 'error' || m.text().startsWith('[webgpu-check]')) && console.log(`[page] ${m.text()}`));
  await page.goto('/e2e/pages/runtime-webgpu.html');
  await page.waitForFunction(() => 'runtimeWebGpu' in window);
});

test('capture, predict, next tokens and applyDelta on WebGPU match the float64 reference (gpt2, llama GQA); frozen16', async ({ page }) => {
  test.setTimeout(120_000);
  const checks = (await page.evaluate(() => window.runtimeWebGpu.runRuntimeChecks())) as RuntimeCheck[];
  for (const c of checks) {
    console.log(
      `${c.model.padEnd(16)} loss ${c.loss.toExponential(1)}  keys ${c.keys.toExponential(1)}  grads ${c.grads.toExponential(1)}  edit ${c.edit.toExponential(1)}  (${c.nodes} capture nodes)`,
    );
    console.log(
      `${''.padEnd(16)} warm capture: webgpu ${c.webgpuMs.toFixed(1)} ms, wasm ${c.wasmMs.toFixed(1)} ms, webgpu/wasm ${(c.webgpuMs / c.wasmMs).toFixed(1)}×`,
    );
  }
  expect(checks.map((c) => c.model)).toEqual(['gpt2', 'llama GQA 4/2']);
  for (const c of checks) {
    for (const k of ['loss', 'keys', 'grads', 'edit'] as const) expect(c[k], k).toBeLessThanOrEqual(RUNTIME_TOLERANCE[k]);
  }
  // Frozen weights in 16 bits, on the page's warm ORT (+0.3–1 s; its first session alone takes ~20 s on SwiftShader).
  const t0 = Date.now();
  const f16 = (await page.evaluate(() => window.runtimeWebGpu.runFrozen16Check())) as Frozen16Check;
  console.log(`frozen16: shader-f16 ${f16.shaderF16}, ${f16.fp16Tensors} fp16 tensors, ${f16.note ?? 'no note'} (${Date.now() - t0} ms)`);
  if (f16.shaderF16) expect(f16.fp16Tensors).toBeGreaterThan(0);
  else {
    expect(f16.fp16Tensors).toBe(0);
    expect(f16.note).toMatch(/frozen weights fp32: the adapter lacks 'shader-f16'/);
  }
  expect(f16.sameLogits).toBe(true);
  expect(f16.sameWeights).toBe(true);
});
