/**
 * Opt-in: the blocked Cholesky and triangular solves against their float64 twin at the larger sizes,
 * `CHOLESKY_NS=512,1024,2048 npx playwright test e2e/cholesky.harness.spec.ts` (κ 1e6, λ 1e-6; minutes
 * on SwiftShader). The default sizes run on Dawn in src/gpu-checks/wgsl-checks.test.ts; inputs and bounds:
 * e2e/pages/cholesky-checks.ts.
 */
import { expect, test } from '@playwright/test';
import type { EditorKernelCheck } from './pages/editor-kernel-checks';

const SIZES = process.env.CHOLESKY_NS?.split(',').map(Number) ?? [];

test('blocked Cholesky and triangular solves match the float64 twin at large n', async ({ page }) => {
  test.skip(SIZES.length === 0, 'set CHOLESKY_NS=512,1024,2048');
  test.setTimeout(1_800_000);
  page.on('console', (m) => m.type() === 'error' && console.log(`[page] ${m.text()}`));
  await page.goto('/e2e/pages/editor-kernels.html');
  await page.waitForFunction(() => 'editorKernelChecks' in window);
  const cases = SIZES.map((n) => ({ n, kappa: 1e6, lambda: 1e-6, m: 64 }));
  const results = (await page.evaluate((c) => window.editorKernelChecks.runCholeskyChecks(c), cases)) as EditorKernelCheck[];
  for (const r of results)
    console.log(
      `${r.name.padEnd(62)} ${Object.entries(r.errors)
        .map(([k, v]) => `${k} ${v.toExponential(2)}`)
        .join('  ')}  (≤ ${r.tolerance.toExponential(1)})`,
    );
  for (const r of results) for (const [k, v] of Object.entries(r.errors)) expect(v, `${r.name}: ${k}`).toBeLessThanOrEqual(r.tolerance);
});
