/**
 * The lab driven as a user would, on the built-in demo model with the CPU (wasm) backend — WebGPU
 * here is SwiftShader, far too slow for whole runs; the backend selector makes wasm a per-user
 * choice, and the URL carries it with short-run settings (a shared link reproduces them).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { parseSafetensorsBytes } from './fixtures/safetensors-header';
import { DEMO_RUN } from '../src/engine/lab/demo-defaults';
import { nodeFolder } from '../src/engine/io/node-files';
import { bytesFile } from '../src/engine/io/memory';
import { loadModel } from '../src/engine/model/load';
import { writeTinyCheckpoint } from '../src/engine/model/write-tiny';
import { referenceLoss } from '../src/engine/reference/fd';
import { buildSubBatches } from '../src/engine/run/batching';
import { openCheckpointTensors } from '../src/engine/safetensors/checkpoint';
import { readSafetensorsHeader } from '../src/engine/safetensors/header';
import { readTensorF32 } from '../src/engine/safetensors/read';

const QUERY = '?backend=wasm&nEdits=10&subBatch=5&turns=4&warmupTurns=0&sampleEvery=2&sampleSize=10';
const fixture = new URL('./fixtures/demo-slice.zsre.jsonl', import.meta.url);

async function openLab(page: Page, query = QUERY) {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/' + query);
  await expect(page.getByTestId('model-panel')).toHaveAttribute('data-status', 'loaded', { timeout: 60_000 });
  await expect(page.getByTestId('model-backend')).toContainText('CPU');
  await expect(page.getByTestId('count-edits')).toContainText('1,000 valid', { timeout: 90_000 });
  return errors;
}

async function runToEnd(page: Page) {
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-progress')).toHaveAttribute('data-state', 'finished', { timeout: 90_000 });
}

test('a dataset dropped on the edit-stream zone shows its format, count, preview and problems', async ({ page }) => {
  const errors = await openLab(page);
  const text = readFileSync(fixture, 'utf8');
  const dataTransfer = await page.evaluateHandle(
    ({ text, name }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type: 'application/x-ndjson' }));
      return dt;
    },
    { text, name: 'demo-slice.zsre.jsonl' },
  );
  await page.dispatchEvent('[data-testid=drop-edits]', 'drop', { dataTransfer });
  await expect(page.getByTestId('file-edits')).toHaveText('demo-slice.zsre.jsonl');
  await expect(page.getByTestId('format-edits')).toContainText('zsre (jsonl)');
  // 7 lines, one without an answer: 6 valid, 1 skipped (the default policy), and the problem is named.
  await expect(page.getByTestId('count-edits')).toHaveText('6 valid, 1 skipped');
  await expect(page.getByTestId('issues-edits')).toContainText('record 3 (line 4)');
  const rows = page.getByTestId('preview-edits').locator('tbody tr');
  await expect(rows).toHaveCount(6);
  await expect(rows.first()).toContainText('What is the occupation of Stesian?');
  await expect(rows.first()).toContainText('astronomer');
  // Switching to "stop" reads the same file again and stops at the bad record.
  await page.getByTestId('slot-edits').getByRole('combobox').selectOption('stop');
  await expect(page.getByTestId('report-edits')).toContainText('Reading stopped at record 3 (line 4)');
  await expect(page.getByTestId('count-edits')).toHaveText('3 valid');
  // Start says why it cannot run before it is pressed: 4 turns of 10 edits need 40 records.
  await expect(page.getByTestId('run-start')).toBeDisabled();
  await expect(page.getByTestId('run-blocked')).toHaveText('4 turns of 10 edits need 40 records; the edit stream has 3');
  await expect(page.getByTestId('run-list')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('runs: charts fill, pause/resume, two editors compared, exports, interactive edit', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = await openLab(page);

  // Run 1 (stableedit, the demo defaults), paused and resumed on the way.
  await page.getByTestId('run-start').click();
  const progress = page.getByTestId('run-progress');
  await expect(progress).toHaveAttribute('data-state', 'running', { timeout: 120_000 });
  await page.getByTestId('run-pause').click();
  await expect(progress).toHaveAttribute('data-state', 'paused', { timeout: 90_000 });
  const pausedAt = await progress.textContent();
  await page.waitForTimeout(1500);
  expect(await progress.textContent()).toBe(pausedAt);
  await page.getByTestId('run-step').click();
  await expect(progress).not.toHaveText(pausedAt!, { timeout: 90_000 });
  await expect(progress).toHaveAttribute('data-state', 'paused');
  await page.getByTestId('run-resume').click();
  await expect(progress).toHaveAttribute('data-state', 'finished', { timeout: 90_000 });
  await expect(progress).toContainText('finished · 4 of 4 turns');
  // The charts drew lines from the run's turns.
  await expect(page.locator('.se-chart path.se-line').first()).toBeVisible();
  expect(await page.locator('.se-chart path.se-line').count()).toBeGreaterThan(3);
  await expect(page.getByTestId('run-list')).toContainText('4 turns');
  // Beyond token accuracy (docs/design.md §2): the general-capability chart draws one line per task
  // of the demo's set, and the drift map its UMAP of the drift prompts.
  const gc = page.getByRole('list', { name: /^General capability .*: series$/ });
  await expect(gc.locator('li')).toHaveCount(4);
  await expect(gc).toContainText('demo.located_in');
  await expect(page.getByRole('figure', { name: 'Representation drift map' }).locator('[aria-label^="UMAP of 1000 prompts"]')).toBeVisible({
    timeout: 60_000,
  });

  // Run 2: ultraedit on the same stream; both appear in the comparison table.
  await page.getByTestId('set-editor').selectOption('ultraedit');
  expect(page.url()).toContain('editor=ultraedit');
  await runToEnd(page);
  const table = page.getByTestId('comparison-scores');
  await expect(table.locator('tbody tr')).toHaveCount(3); // pre-edited + 2 runs
  await expect(table).toContainText(`stableedit lr ${DEMO_RUN.lr}`);
  await expect(table).toContainText(`ultraedit lr ${DEMO_RUN.lr}`);
  // WILD scores beside token accuracy, and the general-capability columns
  await page.getByTestId('comparison').getByRole('combobox').selectOption('wildExactMatch');
  await expect(table.locator('caption')).toContainText('WILD exact match');
  await expect(table.locator('tbody tr').nth(1).locator('td').first()).toHaveText(/^\d+\.\d\d$/);
  const gcTable = page.getByTestId('comparison-gc');
  await expect(gcTable.locator('thead th')).toHaveCount(5); // method + the demo set's 4 tasks
  await expect(gcTable.locator('thead')).toContainText('demo.located_in');
  await expect(gcTable.locator('tbody tr')).toHaveCount(3);
  await expect(gcTable.locator('tbody tr').nth(1).locator('td').first()).toHaveText(/^\d+\.\d\d$/);
  // Both tables fit their box: no header runs over its neighbour, every run's name has room.
  for (const t of [table, gcTable]) {
    const cut = await t.evaluate((el) =>
      [...el.querySelectorAll('thead th, tbody th')]
        .filter((c) => (c.tagName === 'TH' && c.closest('thead') ? c.scrollWidth > c.clientWidth + 1 : c.clientWidth < 60))
        .map((c) => c.textContent),
    );
    expect(cut, 'headers wider than their column, or run names squeezed under 60 px').toEqual([]);
    const [inner, outer] = await t.evaluate((el) => [el.getBoundingClientRect().right, el.parentElement!.getBoundingClientRect().right]);
    expect(inner).toBeLessThanOrEqual(outer + 1);
  }

  // Exports: metrics CSV of the last run, EasyEdit per-edit JSON, edited weights.
  const csvDl = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const csv = readFileSync(await (await csvDl).path(), 'utf8')
    .trim()
    .split('\n');
  expect(csv).toHaveLength(1 + 4); // header + one line per turn
  expect(csv[0]).toContain('model.layers.2.mlp.down_proj/delta_norm');
  const easyDl = page.waitForEvent('download');
  await page.getByTestId('export-easyedit').click();
  const cases = JSON.parse(readFileSync(await (await easyDl).path(), 'utf8'));
  expect(cases).toHaveLength(40);
  expect(cases[0].requested_rewrite.prompt).toBe('What is the occupation of Stesian?');
  expect(cases[0].requested_rewrite.target_new).toBe('astronomer');
  const preEff = cases.reduce((s: number, c: { pre: { rewrite_acc: number[] } }) => s + c.pre.rewrite_acc[0], 0) / cases.length;
  const postEff = cases.reduce((s: number, c: { post: { rewrite_acc: number[] } }) => s + c.post.rewrite_acc[0], 0) / cases.length;
  expect(postEff).toBeGreaterThan(preEff);
  const wDl = page.waitForEvent('download');
  await page.getByTestId('export-weights').click();
  const weights = parseSafetensorsBytes(readFileSync(await (await wDl).path()));
  expect(weights.tensors['model.layers.2.mlp.down_proj.weight']).toEqual({ dtype: 'F32', shape: [128, 384] });
  expect(Object.keys(weights.tensors)).toContain('lm_head.weight');

  // Interactive edit: the probe's answer changes to the new one.
  await page.getByTestId('set-editor').selectOption('stableedit');
  await page.getByTestId('probe-prompt').fill('What is the occupation of Zelhathis?');
  await page.getByTestId('probe-ask').click();
  const firstTop = (await page.getByTestId('probe-after-top1').textContent({ timeout: 30_000 }))!;
  expect(firstTop).not.toBe('"Trirtron"');
  await page.getByTestId('edit-answer').fill('Trirtron');
  await page.getByTestId('edit-apply').click();
  await expect(page.getByTestId('probe-before-top1')).toHaveText(firstTop, { timeout: 60_000 });
  await expect(page.getByTestId('probe-after-top1')).toHaveText('"Trirtron"');
  await expect(page.getByTestId('probe-note')).toContainText('applied with stableedit');
  // …and what it did elsewhere: the prompts most like it, answered before and after.
  await expect(page.getByTestId('side-effects')).toContainText(/\d+ of \d+ other prompts changed/);
  expect(await page.getByTestId('side-effects').locator('tbody tr').count()).toBeGreaterThanOrEqual(5);
  expect(errors).toEqual([]);
});

test('a Qwen3 checkpoint picked as a folder runs 2 turns; turn 0’s loss = the float64 reference, only the edited module changes', async ({
  page,
}) => {
  test.setTimeout(180_000);
  // A tiny Qwen3 (q/k norms, its own head_dim, a sliding window on layer 1) written as a Hub folder.
  const tmp = mkdtempSync(join(tmpdir(), 'lab-qwen3-'));
  try {
    const dir = await writeTinyCheckpoint(join(tmp, 'tiny-qwen3'), { arch: 'qwen3', seed: 23, hidden: 16, heads: 2, window: 4 });
    const errors = await openLab(page, '?backend=wasm&nEdits=4&subBatch=2&turns=2&warmupTurns=0&sampleEvery=0');
    await page.locator('input[type=file][webkitdirectory]').setInputFiles(dir);
    await expect(page.getByTestId('model-name')).toHaveText('tiny-qwen3', { timeout: 60_000 });
    await expect(page.getByTestId('model-panel')).toHaveAttribute('data-status', 'loaded', { timeout: 60_000 });
    const m = await loadModel(nodeFolder(dir));
    await expect(page.getByTestId('model-summary')).toContainText(`hidden 16, vocabulary ${m.spec.vocabSize}`);
    await runToEnd(page);
    await expect(page.getByTestId('run-progress')).toContainText('2 of 2 turns');

    const csvDl = page.waitForEvent('download');
    await page.getByTestId('export-csv').click();
    const [header, ...rows] = readFileSync(await (await csvDl).path(), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    expect(rows).toHaveLength(2);
    const module = header.find((h) => h.endsWith('/delta_norm'))!.replace(/\/delta_norm$/, '');
    // Turn 0 edited the stream's first 4 records (the EasyEdit export lists them in order), batched as the run does.
    const easyDl = page.waitForEvent('download');
    await page.getByTestId('export-easyedit').click();
    const cases = JSON.parse(readFileSync(await (await easyDl).path(), 'utf8')) as {
      requested_rewrite: { prompt: string; target_new: string };
    }[];
    expect(cases).toHaveLength(8);
    const pairs = cases.slice(0, 4).map((c, id) => ({ id, prompt: c.requested_rewrite.prompt, target: c.requested_rewrite.target_new }));
    const losses = buildSubBatches(m.tokenizer, pairs, { subBatch: 2 }).map((sb) => referenceLoss(m.spec, m.weights, sb));
    const ref = losses.reduce((a, b) => a + b, 0) / losses.length;
    expect(Math.abs(Number(rows[0][header.indexOf('loss')]) - ref) / ref).toBeLessThanOrEqual(1e-4);

    const wDl = page.waitForEvent('download');
    await page.getByTestId('export-weights').click();
    const file = bytesFile('edited.safetensors', readFileSync(await (await wDl).path()));
    const edited = await readSafetensorsHeader(file);
    const original = await openCheckpointTensors(nodeFolder(dir));
    expect([...edited.tensors.keys()].sort()).toEqual([...original.tensors.keys()].sort());
    for (const [name, t] of original.tensors) {
      const before = await readTensorF32(t.file, t.info);
      const after = await readTensorF32(file, edited.tensors.get(name)!);
      expect(
        after.some((x, i) => x !== before[i]),
        name,
      ).toBe(name === `${module}.weight`);
    }
    expect(errors).toEqual([]);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
