/**
 * The blocked Cholesky and triangular solves of the ridge system against their float64 twin, and the
 * bind-group cache of the GPU editor, in Chromium WebGPU (SwiftShader here). See
 * e2e/pages/cholesky-checks.ts and e2e/pages/binding-checks.ts for the inputs.
 */
import { expect, test } from '@playwright/test';
import type { BindingCheck } from './pages/binding-checks';
import type { CholeskyCase, CholeskyCheck } from './pages/cholesky-checks';

const F32_EPS = 2 ** -23;

// n from below one block (32) to 9 blocks, off the block and the 64-wide tile; κ of the spectrum up to
// 1e6 with a ridge λ of 1e-6 … 1e-2 of its top. Larger n: CHOLESKY_NS=512,1024,2048 (κ 1e6, λ 1e-6).
const CASES: CholeskyCase[] = process.env.CHOLESKY_NS
  ? process.env.CHOLESKY_NS.split(',').map((n) => ({ n: Number(n), kappa: 1e6, lambda: 1e-6, m: 64 }))
  : [
      { n: 31, kappa: 1e2, lambda: 1e-2, m: 40 },
      { n: 33, kappa: 1e6, lambda: 1e-6, m: 17 },
      { n: 100, kappa: 1e6, lambda: 1e-6, m: 40 },
      { n: 257, kappa: 1e4, lambda: 1e-4, m: 64 },
    ];

// Bounds (fp32 unit roundoff ε = 2⁻²³): the backward error ‖AX − B‖/(‖A‖‖X‖) ≤ n·ε, the order of the
// classical bound for Cholesky and substitution (Higham, ch. 10); the forward errors of L and X against
// the float64 twin ≤ κ(A)·ε (perturbation bound of the solution; L's is smaller) with a floor of 1e-5.
test('blocked Cholesky and triangular solves match the float64 twin', async ({ page }) => {
  test.setTimeout(process.env.CHOLESKY_NS ? 1_800_000 : 60_000);
  page.on('console', (m) => m.type() === 'error' && console.log(`[page] ${m.text()}`));
  await page.goto('/e2e/pages/editor-kernels.html');
  await page.waitForFunction(() => 'editorKernelChecks' in window);
  const results = (await page.evaluate((c) => window.editorKernelChecks.runCholeskyChecks(c), CASES)) as CholeskyCheck[];
  for (const r of results)
    console.log(
      `n ${String(r.n).padStart(4)} m ${String(r.m).padStart(3)} κ(A) ${r.kappaA.toExponential(1)}: L ${r.errL.toExponential(2)}  X ${r.errX.toExponential(2)}` +
        `  backward ${r.backward.toExponential(2)} (≤ ${(r.n * F32_EPS).toExponential(1)})  ${r.ms.toFixed(0)} ms`,
    );
  for (const r of results) {
    const forward = Math.max(1e-5, r.kappaA * F32_EPS);
    expect(r.info, `n ${r.n}: Cholesky status`).toBe(0);
    expect(r.backward, `n ${r.n}: backward error`).toBeLessThanOrEqual(r.n * F32_EPS);
    expect(r.errL, `n ${r.n}: L`).toBeLessThanOrEqual(forward);
    expect(r.errX, `n ${r.n}: X`).toBeLessThanOrEqual(forward);
  }
});

test('a GPU editor turn of an unchanged shape creates no bind group or uniform buffer', async ({ page }) => {
  test.setTimeout(60_000);
  page.on('console', (m) => m.type() === 'error' && console.log(`[page] ${m.text()}`));
  await page.goto('/e2e/pages/editor-kernels.html');
  await page.waitForFunction(() => 'editorKernelChecks' in window);
  // stableedit-niw whitens from its first edit turn (turn 1) and warm-starts from the next: settled by turn 3.
  const turns = 4;
  const results = (await page.evaluate(([e, t]) => window.editorKernelChecks.runBindingChecks(e, t), [['stableedit-niw'], turns] as [
    string[],
    number,
  ])) as BindingCheck[];
  for (const r of results)
    console.log(`${r.editor.padEnd(15)} bind groups ${r.bindGroups.join(' ')}  uniform buffers ${r.uniformBuffers.join(' ')}`);
  for (const r of results) {
    // The counters see the editor's dispatches: the first edit turn adds the whitening and the solve …
    expect(r.bindGroups[1], `${r.editor}: bind groups of the first edit turn`).toBeGreaterThan(r.bindGroups[0]);
    expect(r.uniformBuffers[1], `${r.editor}: uniform buffers of the first edit turn`).toBeGreaterThan(r.uniformBuffers[0]);
    // … and the last turn, same shape and the plan settled, adds none.
    expect(r.bindGroups[turns - 1], `${r.editor}: bind groups`).toBe(r.bindGroups[turns - 2]);
    expect(r.uniformBuffers[turns - 1], `${r.editor}: uniform buffers`).toBe(r.uniformBuffers[turns - 2]);
  }
});
