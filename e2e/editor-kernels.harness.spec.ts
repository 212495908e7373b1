/**
 * Editor WGSL kernels vs their float64 twins in real Chromium WebGPU (SwiftShader here). Each check
 * states its own tolerance (max-norm relative error unless named otherwise); see
 * e2e/pages/editor-kernels.ts for the inputs.
 */
import { expect, test } from '@playwright/test';
import type { CheckpointCheck, EditorKernelCheck, GpuEditorCheck } from './pages/editor-kernels';

test('editor kernels match their float64 twins', async ({ page }) => {
  test.setTimeout(120_000);
  page.on('console', (m) => m.type() === 'error' && console.log(`[page] ${m.text()}`));
  await page.goto('/e2e/pages/editor-kernels.html');
  await page.waitForFunction(() => 'editorKernelChecks' in window);
  const results = (await page.evaluate(() => window.editorKernelChecks.runEditorKernelChecks())) as EditorKernelCheck[];
  for (const r of results) {
    const errs = Object.entries(r.errors)
      .map(([k, v]) => `${k} ${v.toExponential(2)}`)
      .join('  ');
    const notes = r.notes
      ? '  ' +
        Object.entries(r.notes)
          .map(([k, v]) => `${k} ${v.toExponential(2)}`)
          .join(' ')
      : '';
    console.log(`${r.name.padEnd(78)} ${errs}  (≤ ${r.tolerance})${notes}`);
  }
  for (const prefix of ['chan merge', 'scatter', 'values', 'ridge', 'cholesky', 'weight update', 'frobenius', 'Newton–Schulz'])
    expect(
      results.some((r) => r.name.startsWith(prefix)),
      prefix,
    ).toBe(true);
  for (const r of results)
    for (const [output, err] of Object.entries(r.errors)) {
      if (output.includes('f64 twins')) continue;
      expect(err, `${r.name}: ${output}`).toBeLessThanOrEqual(r.tolerance);
    }
});

// ΔW (max-norm relative) and every diagnostic (relative; the cosine absolute) within 1e-4 of the
// float64 editor over 20 turns; the NaN turn refused naming turn and module, statistics unchanged.
const EDITOR_TOLERANCE = 1e-4;
for (const editor of ['ultraedit', 'stableedit', 'diagonal', 'no-ln', 'ft'])
  test(`GPU editor ${editor} follows the float64 editor over a 20-turn stream`, async ({ page }) => {
    test.setTimeout(120_000);
    page.on('console', (m) => m.type() === 'error' && console.log(`[page] ${m.text()}`));
    await page.goto('/e2e/pages/editor-kernels.html');
    await page.waitForFunction(() => 'editorKernelChecks' in window);
    const [r] = (await page.evaluate((n) => window.editorKernelChecks.runGpuEditorChecks([n]), editor)) as GpuEditorCheck[];
    console.log(
      `${editor.padEnd(11)} ${Object.entries(r.worst)
        .map(([k, v]) => `${k} ${v.toExponential(2)}`)
        .join('  ')}`,
    );
    console.log(`${''.padEnd(11)} NaN turn: ${r.nanError}`);
    expect(r.nanError).toMatch(/turn 7/);
    expect(r.nanError).toMatch(/module layers\.1\.down_proj/);
    expect(r.nanTurnKept).toBe(true);
    for (const [k, v] of Object.entries(r.worst)) expect(v, `${editor}: ${k}`).toBeLessThanOrEqual(EDITOR_TOLERANCE);
  });

// A checkpoint saved by either backend resumes on the other: same state layout, and the next turn
// within the same 1e-4 of the uninterrupted float64 editor.
for (const editor of ['ultraedit', 'stableedit', 'diagonal', 'no-ln', 'ft'])
  test(`GPU editor ${editor} checkpoints resume across backends`, async ({ page }) => {
    test.setTimeout(120_000);
    page.on('console', (m) => m.type() === 'error' && console.log(`[page] ${m.text()}`));
    await page.goto('/e2e/pages/editor-kernels.html');
    await page.waitForFunction(() => 'editorKernelChecks' in window);
    const [r] = (await page.evaluate((n) => window.editorKernelChecks.runCheckpointChecks([n]), editor)) as CheckpointCheck[];
    for (const [dir, worst] of [
      ['GPU→CPU', r.gpuToCpu],
      ['CPU→GPU', r.cpuToGpu],
    ] as const)
      console.log(
        `${editor.padEnd(11)} ${dir} ${Object.entries(worst)
          .map(([k, v]) => `${k} ${v.toExponential(2)}`)
          .join('  ')}`,
      );
    expect(r.sameLayout, `${editor}: state layout`).toBe(true);
    for (const [k, v] of Object.entries(r.gpuToCpu)) expect(v, `${editor} GPU save → CPU load: ${k}`).toBeLessThanOrEqual(EDITOR_TOLERANCE);
    for (const [k, v] of Object.entries(r.cpuToGpu)) expect(v, `${editor} CPU save → GPU load: ${k}`).toBeLessThanOrEqual(EDITOR_TOLERANCE);
  });
