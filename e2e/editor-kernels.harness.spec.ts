/**
 * Editor WGSL kernels vs their float64 twins in real Chromium WebGPU (SwiftShader here). Each check
 * states its own tolerance (max-norm relative error unless named otherwise); see
 * e2e/pages/editor-kernels.ts for the inputs.
 */
import { expect, test } from '@playwright/test';
import { editorNames } from '../src/engine/editors/registry';
import { EDITOR_TOLERANCE, EIGEN_CASES as EIGEN_CASES_DEFAULT, EIGEN_TOLERANCE } from './pages/check-bounds';
import type { CheckpointCheck, EditorKernelCheck, EigenCase, EigenCheck, GpuEditorCheck } from './pages/editor-kernel-checks';

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
  for (const prefix of ['chan merge', 'scatter', 'values', 'ridge', 'cholesky n', 'cholesky flags', 'bind groups'])
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

// Built as a run on a WebGPU model builds its editor (createRunEditor): on the GPU, no fallback. ΔW
// (max-norm relative) and every diagnostic (relative; the cosine absolute) within 1e-4 of the float64
// editor over 20 turns; the NaN turn refused naming turn and module, statistics unchanged.
// Every built-in editor, and `ultraedit-whitened`, added by one file and one line (e2e/fixtures/throwaway-editor.ts).
const EDITORS = [...editorNames, 'ultraedit-whitened'];
for (const editor of EDITORS)
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
    const ms = Object.entries(r.stageMs).map(([k, v]) => `${k} ${v.toFixed(1)}`);
    console.log(`${''.padEnd(11)} GPU ms per turn (${r.timing}): ${ms.join(', ')}`);
    expect(r.timesOk, `${editor}: per-module GPU stage times`).toBe(true);
    expect(r.backend, `${editor}: editor math on the GPU`).toBe('gpu');
    expect(r.fallback, `${editor}: no fallback`).toBeNull();
    expect(r.nanError).toMatch(/turn 7/);
    expect(r.nanError).toMatch(/module layers\.1\.down_proj/);
    expect(r.nanTurnKept).toBe(true);
    for (const [k, v] of Object.entries(r.worst)) expect(v, `${editor}: ${k}`).toBeLessThanOrEqual(EDITOR_TOLERANCE);
  });

// A checkpoint saved by either backend resumes on the other: same state layout, and the next turn
// within the same 1e-4 of the uninterrupted float64 editor.
for (const editor of EDITORS)
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

// The WGSL Jacobi whitening against the float64 eigh with its absolute 1e-6 clamp: Σ^{-1/2} max-norm
// relative error ≤ 1e-4, cold and warm started, well and ill conditioned (κ 1e8 with every eigenvalue
// above the clamp, and with the clamp active), rank-deficient, odd d (a padded index). Larger d:
// EIGEN_DS=256,512 (docs/benchmarks.md).
const EIGEN_CASES: EigenCase[] = process.env.EIGEN_DS
  ? process.env.EIGEN_DS.split(',')
      .map(Number)
      .flatMap((d) => [
        { name: `d ${d}, κ 1e4`, d, kappa: 1e4, warm: true },
        { name: `d ${d}, κ 1e8 above the clamp`, d, kappa: 1e8, lambdaMax: 1e3, warm: true },
        { name: `d ${d}, rank ${d / 4}`, d, rank: d / 4 },
      ])
  : EIGEN_CASES_DEFAULT;

test('WGSL Jacobi whitening matches the float64 eigendecomposition', async ({ page }) => {
  // Opt-in large d: d 512 takes ~5 min and d 1024 ~40+ min on SwiftShader (docs/benchmarks.md).
  test.setTimeout(process.env.EIGEN_DS ? 6 * 3_600_000 : 180_000);
  page.on('console', (m) => m.type() === 'error' && console.log(`[page] ${m.text()}`));
  await page.goto('/e2e/pages/editor-kernels.html');
  await page.waitForFunction(() => 'editorKernelChecks' in window);
  const results = (await page.evaluate((c) => window.editorKernelChecks.runEigenChecks(c), EIGEN_CASES)) as EigenCheck[];
  for (const r of results)
    console.log(
      `${r.name.padEnd(52)} Σ^-1/2 cold ${r.invSqrtCold.toExponential(2)} (${r.sweepsCold} sweeps, ${r.ms.toFixed(0)} ms; float64 eigh ${r.msFloat64.toFixed(0)} ms)` +
        (r.invSqrtWarm === null ? '' : `  warm ${r.invSqrtWarm.toExponential(2)} (${r.sweepsWarm} sweeps, ${r.msWarm!.toFixed(0)} ms)`) +
        `  λ ${r.eigenvalues.toExponential(2)}`,
    );
  for (const r of results) {
    expect(r.invSqrtCold, `${r.name} cold`).toBeLessThanOrEqual(EIGEN_TOLERANCE);
    if (r.invSqrtWarm !== null) expect(r.invSqrtWarm, `${r.name} warm`).toBeLessThanOrEqual(EIGEN_TOLERANCE);
  }
});
