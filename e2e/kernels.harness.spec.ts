/**
 * WGSL kernels vs their float64 twins in real Chromium WebGPU. Tolerance: max-norm relative error
 * (src/engine/gpu/compare.ts) ≤ 1e-5 for every output; counts must be exact.
 */
import { expect, test } from '@playwright/test';
import type { HarnessCheck, KernelCheck } from './pages/kernel-checks';
import { KERNEL_TOLERANCE as TOLERANCE } from './pages/check-bounds';

test.beforeEach(async ({ page }) => {
  page.on('console', (m) => m.type() === 'error' && console.log(`[page] ${m.text()}`));
  await page.goto('/e2e/pages/kernels.html');
  await page.waitForFunction(() => 'kernelChecks' in window);
});

test('matmul and moments kernels match their float64 twins', async ({ page }) => {
  test.setTimeout(120_000); // compiles every editor pipeline first (EditorKernels.load)
  const results = await page.evaluate(() => window.kernelChecks.runKernelChecks());
  const names = results.map((r: KernelCheck) => r.name);
  expect(names.filter((n) => n.startsWith('matmul')).length).toBeGreaterThanOrEqual(10);
  expect(names.filter((n) => n.startsWith('moments')).length).toBeGreaterThanOrEqual(5);
  for (const r of results) {
    console.log(
      `${r.name.padEnd(58)} ${Object.entries(r.errors)
        .map(([k, v]) => `${k} ${v.toExponential(2)}`)
        .join('  ')}  (${r.ms.toFixed(1)} ms)`,
    );
  }
  for (const r of results) {
    for (const [output, err] of Object.entries(r.errors)) {
      const limit = output === 'count' ? 0 : TOLERANCE;
      expect(err, `${r.name}: ${output}`).toBeLessThanOrEqual(limit);
    }
  }
});

test('harness caches pipelines, pools buffers and names the source of GPU errors', async ({ page }) => {
  const checks = await page.evaluate(() => window.kernelChecks.runHarnessChecks());
  expect(checks.length).toBeGreaterThanOrEqual(7);
  for (const c of checks as HarnessCheck[]) expect(c.ok, `${c.name} — ${c.detail}`).toBe(true);
});
