/**
 * One real-shape checkpoint through the built lab on WebGPU, as a user with that model would: the
 * folder picked in the Model panel, one turn of edits with the GPU editor (capture, statistics,
 * solve, apply), the evaluations a run makes (pre-edit, immediate, final), the metrics CSV and the
 * edited weights exported. Returns what it measured; the specs assert on it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Page, type TestInfo } from '@playwright/test';
import { realShapeCheckpoint, realShapeTensor } from '../../src/engine/model/real-shape';
import { bf16ToF32, f32ToBf16 } from '../../src/engine/safetensors/dtypes';
import { bytesFile } from '../../src/engine/io/memory';
import { readSafetensorsHeader } from '../../src/engine/safetensors/header';
import { readTensorF32 } from '../../src/engine/safetensors/read';
import { watchMemory, type MemoryPeak } from './process-memory';

export interface RealShapeCase {
  repo: string;
  layers: number;
  dtype: 'F32' | 'BF16';
}

export interface RealShapeResult {
  folder: string;
  module: string;
  fileBytes: number;
  params: number;
  deltaNorm: number;
  /** ‖W_exported − W_loaded‖_F of the edited module, from the exported file. */
  weightChange: number;
  loss: number;
  /** The turn's own timings from the metrics CSV (capture, editor, apply, evaluate), ms. */
  turnMs: Record<string, number>;
  loadSeconds: number;
  runSeconds: number;
  memory: MemoryPeak;
  /** Exported tensor name → shape. */
  exported: Record<string, number[]>;
  /** Generated tensor name → shape. */
  generated: Map<string, number[]>;
}

// Few edits and one turn: the shapes are what is under test; SwiftShader runs WebGPU on the CPU.
const QUERY = '?backend=webgpu&editorMath=gpu&editor=stableedit&nEdits=4&subBatch=4&turns=1&warmupTurns=0&sampleEvery=0&checkpointEvery=0';
const SEED = 15;

export async function runRealShape(page: Page, c: RealShapeCase, runTimeoutMs = 600_000): Promise<RealShapeResult> {
  const folder = `${c.repo.split('/')[1]}-${c.layers}L-random`;
  const tmp = mkdtempSync(join(tmpdir(), 'real-shape-'));
  const dir = join(tmp, folder);
  mkdirSync(dir);
  const ckpt = realShapeCheckpoint(c.repo, { layers: c.layers, seed: SEED, dtype: c.dtype });
  const fileBytes = (ckpt.files.get('model.safetensors') as Uint8Array).length;
  for (const [name, data] of ckpt.files) writeFileSync(join(dir, name), data);
  ckpt.files.clear();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  let stop: (() => MemoryPeak) | null = null;
  try {
    await page.goto('/' + QUERY);
    await expect(page.getByTestId('model-panel')).toHaveAttribute('data-status', 'loaded', { timeout: 120_000 });
    await expect(page.getByTestId('count-edits')).toContainText('1,000 valid', { timeout: 90_000 });

    stop = watchMemory();
    const t0 = Date.now();
    // The folder picker of the Model panel, as a user picks a downloaded checkpoint's folder.
    await page.locator('input[type=file][webkitdirectory]').setInputFiles(dir);
    await expect(page.getByTestId('model-name')).toHaveText(folder, { timeout: 600_000 });
    await expect(page.getByTestId('model-panel')).toHaveAttribute('data-status', 'loaded', { timeout: 600_000 });
    const loadSeconds = (Date.now() - t0) / 1000;
    const summary = page.getByTestId('model-summary');
    await expect(summary).toContainText(`hidden ${ckpt.spec.hidden}, vocabulary ${ckpt.spec.vocabSize.toLocaleString('en-US')}`);
    await expect(page.getByTestId('model-backend')).toContainText('WebGPU');

    const t1 = Date.now();
    await page.getByTestId('run-start').click();
    await expect(page.getByTestId('run-progress')).toHaveAttribute('data-state', /finished|failed/, { timeout: runTimeoutMs });
    await expect(page.getByTestId('run-failed')).toHaveCount(0);
    await expect(page.getByTestId('run-progress')).toContainText('1 of 1 turns');
    const runSeconds = (Date.now() - t1) / 1000;
    // The GPU editor ran: a fallback to the CPU editor is announced as a notice.
    await expect(page.locator('.notice', { hasText: 'editor math: cpu' })).toHaveCount(0);

    const csvDl = page.waitForEvent('download');
    await page.getByTestId('export-csv').click();
    const [header, row] = readFileSync(await (await csvDl).path(), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    const col = (name: string) => Number(row[header.indexOf(name)]);
    const deltaCol = header.find((h) => h.endsWith('/delta_norm'))!;
    const module = deltaCol.replace(/\/delta_norm$/, '');

    const wDl = page.waitForEvent('download');
    await page.getByTestId('export-weights').click();
    const weightsPath = await (await wDl).path();
    const memory = stop();
    stop = null;
    const file = bytesFile('edited.safetensors', readFileSync(weightsPath));
    const h = await readSafetensorsHeader(file);
    const exported: Record<string, number[]> = {};
    let params = 0;
    for (const [name, t] of h.tensors) {
      exported[name] = t.shape;
      params += t.shape.reduce((a, b) => a * b, 1);
    }
    // Exports keep the checkpoint's own names: GPT-2's files (as openai-community/gpt2's) have no `transformer.` prefix.
    const weightName = ckpt.spec.arch === 'gpt2' ? `${module.replace(/^transformer\./, '')}.weight` : `${module}.weight`;
    const edited = await readTensorF32(file, h.tensors.get(weightName)!);
    const original = realShapeTensor(weightName, SEED, edited.length);
    let sq = 0;
    for (let i = 0; i < edited.length; i++) {
      const before = c.dtype === 'BF16' ? bf16ToF32(f32ToBf16(original[i])) : original[i];
      sq += (edited[i] - before) ** 2;
    }
    expect(errors).toEqual([]);
    return {
      folder,
      module,
      fileBytes,
      params,
      deltaNorm: col(deltaCol),
      weightChange: Math.sqrt(sq),
      loss: col('loss'),
      turnMs: Object.fromEntries(['capture_ms', 'editor_ms', 'apply_ms', 'evaluate_ms', 'total_ms'].map((k) => [k, col(k)])),
      loadSeconds,
      runSeconds,
      memory,
      exported,
      generated: ckpt.shapes,
    };
  } finally {
    // A run that did not finish still says how much memory it had taken.
    if (stop) console.log(`${c.repo}: peak RSS before it stopped ${MB(stop().total)}`);
    rmSync(tmp, { recursive: true, force: true });
  }
}

const MB = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

export function describeResult(c: RealShapeCase, r: RealShapeResult): string {
  const types = Object.entries(r.memory.byType)
    .map(([t, v]) => `${t} ${MB(v)}`)
    .join(', ');
  return (
    `${c.repo} ${c.layers}L ${c.dtype}: ${r.params.toLocaleString('en-US')} params, file ${MB(r.fileBytes)}; ` +
    `load ${r.loadSeconds.toFixed(1)} s, run ${r.runSeconds.toFixed(1)} s (turn: ${Object.entries(r.turnMs)
      .map(([k, v]) => `${k.replace(/_ms$/, '')} ${(v / 1000).toFixed(1)} s`)
      .join(', ')}); ${r.module} ‖ΔW‖ ${r.deltaNorm.toExponential(3)} ` +
    `(exported change ${r.weightChange.toExponential(3)}), loss ${r.loss.toFixed(3)}; peak RSS ${MB(r.memory.total)} (${types}); ` +
    `at the start renderer ${MB(r.memory.start.renderer ?? 0)}, gpu-process ${MB(r.memory.start['gpu-process'] ?? 0)}`
  );
}

/** What every real-shape run must show: shapes kept, a finite loss, and the GPU editor's ‖ΔW‖ in the exported weights. */
export function checkRealShape(c: RealShapeCase, r: RealShapeResult, info: TestInfo): void {
  const line = describeResult(c, r);
  console.log(line);
  info.annotations.push({ type: 'real-shape', description: line });
  // Every tensor of the checkpoint comes back at its shape (the embedding at the real vocabulary × width).
  for (const [name, shape] of r.generated) expect(r.exported[name], name).toEqual(shape);
  expect(Number.isFinite(r.loss)).toBe(true);
  expect(r.deltaNorm).toBeGreaterThan(0);
  // The GPU editor's update is what the exported weights carry (fp32 rounding of W + ΔW aside).
  expect(Math.abs(r.weightChange - r.deltaNorm) / r.deltaNorm).toBeLessThanOrEqual(1e-3);
}
