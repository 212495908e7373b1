/**
 * Every WGSL kernel and the GPU editor against their float64 twins on Dawn (SwiftShader here): the
 * exhaustive tables the browser harness held (e2e/editor-kernels.harness.spec.ts keeps one GPU editor
 * in Chromium, for the page's own WGSL path). The checks and bounds are the harness's
 * (e2e/pages/kernel-checks.ts, editor-kernel-checks.ts, check-bounds.ts); counts exact, errors
 * max-norm relative unless named otherwise. One file, so one device in one worker runs them in turn.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { editorNames } from '../engine/editors/registry';
import { EDITOR_TOLERANCE, EIGEN_CASES, EIGEN_TOLERANCE, KERNEL_TOLERANCE } from '../../e2e/pages/check-bounds';
import { runHarnessChecks, runKernelChecks } from '../../e2e/pages/kernel-checks';
import { runCheckpointChecks, runEditorKernelChecks, runEigenChecks, runGpuEditorChecks } from '../../e2e/pages/editor-kernel-checks';
import { dawnSkip, installDawn } from './dawn';

const fmt = (errors: Record<string, number>) =>
  Object.entries(errors)
    .map(([k, v]) => `${k} ${v.toExponential(2)}`)
    .join('  ');

// Every built-in editor, and `ultraedit-whitened`, added by one file and one line (e2e/fixtures/throwaway-editor.ts).
const EDITORS = [...editorNames, 'ultraedit-whitened'];

describe.skipIf(dawnSkip !== null)(`WGSL kernels vs float64 on Dawn${dawnSkip ? ` (skipped: ${dawnSkip})` : ''}`, () => {
  beforeAll(installDawn);

  it('matmul and moments kernels match their float64 twins', { timeout: 300_000 }, async () => {
    const results = await runKernelChecks();
    for (const r of results) console.log(`${r.name.padEnd(58)} ${fmt(r.errors)}`);
    expect(results.filter((r) => r.name.startsWith('matmul')).length).toBeGreaterThanOrEqual(10);
    expect(results.filter((r) => r.name.startsWith('moments')).length).toBeGreaterThanOrEqual(5);
    for (const r of results)
      for (const [output, err] of Object.entries(r.errors))
        expect(err, `${r.name}: ${output}`).toBeLessThanOrEqual(output === 'count' ? 0 : KERNEL_TOLERANCE);
  });

  it('the harness caches pipelines, pools buffers and names the source of GPU errors', { timeout: 120_000 }, async () => {
    const checks = await runHarnessChecks();
    expect(checks.length).toBeGreaterThanOrEqual(7);
    for (const c of checks) expect(c.ok, `${c.name} — ${c.detail}`).toBe(true);
  });

  it('editor kernels match their float64 twins', { timeout: 300_000 }, async () => {
    const results = await runEditorKernelChecks();
    for (const r of results) console.log(`${r.name.padEnd(78)} ${fmt(r.errors)}  (≤ ${r.tolerance})`);
    for (const prefix of ['chan merge', 'scatter', 'values', 'ridge', 'cholesky n', 'cholesky flags', 'bind groups'])
      expect(
        results.some((r) => r.name.startsWith(prefix)),
        prefix,
      ).toBe(true);
    for (const r of results)
      for (const [output, err] of Object.entries(r.errors)) {
        if (output.includes('f64 twins')) continue; // two float64 forms compared with each other: printed, not held
        expect(err, `${r.name}: ${output}`).toBeLessThanOrEqual(r.tolerance);
      }
  });

  // Built as a run on a WebGPU model builds its editor (createRunEditor): on the GPU, no fallback; ΔW and
  // every diagnostic within 1e-4 of the float64 editor over 20 turns; the NaN turn refused, statistics unchanged.
  it(`the GPU editor follows the float64 editor over a 20-turn stream: ${EDITORS.join(', ')}`, { timeout: 900_000 }, async () => {
    const results = await runGpuEditorChecks(EDITORS);
    expect(results.map((r) => r.editor)).toEqual(EDITORS);
    for (const r of results) {
      console.log(`${r.editor.padEnd(18)} ${fmt(r.worst)}`);
      expect(r.timesOk, `${r.editor}: per-module GPU stage times`).toBe(true);
      expect(r.backend, `${r.editor}: editor math on the GPU`).toBe('gpu');
      expect(r.fallback, `${r.editor}: no fallback`).toBeNull();
      expect(r.nanError).toMatch(/turn 7/);
      expect(r.nanError).toMatch(/module layers\.1\.down_proj/);
      expect(r.nanTurnKept).toBe(true);
      for (const [k, v] of Object.entries(r.worst)) expect(v, `${r.editor}: ${k}`).toBeLessThanOrEqual(EDITOR_TOLERANCE);
    }
  });

  // A checkpoint saved by either backend resumes on the other: same state layout, next turn within 1e-4.
  it(`GPU editor checkpoints resume across backends: ${EDITORS.join(', ')}`, { timeout: 900_000 }, async () => {
    const results = await runCheckpointChecks(EDITORS);
    expect(results.map((r) => r.editor)).toEqual(EDITORS);
    for (const r of results) {
      console.log(`${r.editor.padEnd(18)} GPU→CPU ${fmt(r.gpuToCpu)}\n${''.padEnd(18)} CPU→GPU ${fmt(r.cpuToGpu)}`);
      expect(r.sameLayout, `${r.editor}: state layout`).toBe(true);
      for (const [k, v] of Object.entries(r.gpuToCpu))
        expect(v, `${r.editor} GPU save → CPU load: ${k}`).toBeLessThanOrEqual(EDITOR_TOLERANCE);
      for (const [k, v] of Object.entries(r.cpuToGpu))
        expect(v, `${r.editor} CPU save → GPU load: ${k}`).toBeLessThanOrEqual(EDITOR_TOLERANCE);
    }
  });

  // Cold and warm started, well and ill conditioned, the clamp active, rank-deficient, odd d (check-bounds.ts).
  it('WGSL Jacobi whitening matches the float64 eigendecomposition', { timeout: 300_000 }, async () => {
    const results = await runEigenChecks(EIGEN_CASES);
    expect(results).toHaveLength(EIGEN_CASES.length);
    for (const r of results) {
      console.log(`${r.name.padEnd(52)} Σ^-1/2 cold ${r.invSqrtCold.toExponential(2)}  warm ${r.invSqrtWarm?.toExponential(2) ?? '—'}`);
      expect(r.invSqrtCold, `${r.name} cold`).toBeLessThanOrEqual(EIGEN_TOLERANCE);
      if (r.invSqrtWarm !== null) expect(r.invSqrtWarm, `${r.name} warm`).toBeLessThanOrEqual(EIGEN_TOLERANCE);
    }
  });
});
