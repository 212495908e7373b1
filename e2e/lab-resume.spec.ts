/**
 * Issue #5: a run checkpointed to OPFS survives a page reload and, resumed, gives the numbers of an
 * uninterrupted run. Demo model on the CPU (wasm) backend, a checkpoint after every turn. The edit
 * stream of the interrupted run is a dropped file (the demo's own edits), so the resume also goes
 * through the copy the worker keeps in OPFS; the uninterrupted run reads the same bytes by URL.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { storedRuns, type StoredRun } from './fixtures/stored-runs';

const QUERY = '?backend=wasm&nEdits=10&subBatch=5&turns=10&warmupTurns=0&sampleEvery=3&sampleSize=10&checkpointEvery=1';
const demoEdits = new URL('../public/demo/data/edits.eval.json', import.meta.url);

async function labReady(page: Page) {
  await expect(page.getByTestId('model-panel')).toHaveAttribute('data-status', 'loaded', { timeout: 180_000 });
  await expect(page.getByTestId('model-backend')).toContainText('CPU');
  await expect(page.getByTestId('count-edits')).toContainText('1,000 valid', { timeout: 90_000 });
}

test('a run interrupted by a reload resumes from its OPFS checkpoint and matches an uninterrupted run', async ({ page }) => {
  test.setTimeout(480_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/' + QUERY);
  await labReady(page);

  // The edit stream as a dropped file: the resumed run must read the copy saved with the run.
  const text = readFileSync(demoEdits, 'utf8');
  const dataTransfer = await page.evaluateHandle(
    ({ text }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'dropped-edits.json', { type: 'application/json' }));
      return dt;
    },
    { text },
  );
  await page.dispatchEvent('[data-testid=drop-edits]', 'drop', { dataTransfer });
  await expect(page.getByTestId('file-edits')).toHaveText('dropped-edits.json');
  await expect(page.getByTestId('count-edits')).toContainText('1,000 valid');

  await page.getByTestId('run-start').click();
  const progress = page.getByTestId('run-progress');
  await expect(progress).toContainText(/running · [2-6] of 10 turns/, { timeout: 180_000 });
  await expect(progress).toHaveAttribute('data-state', 'running');

  // The page goes away mid-run (its worker with it).
  await page.reload();
  await labReady(page);
  const reopen = page.getByTestId('run-reopen');
  await expect(reopen).toHaveCount(1);
  // The same words in the list and the progress line; the toolbar's Resume continues it too.
  await expect(page.getByTestId('run-list')).toContainText('interrupted by a reload');
  await expect(progress).toHaveAttribute('data-state', 'interrupted');
  await expect(progress).toContainText('interrupted by a reload');
  await expect(page.getByTestId('run-resume')).toBeEnabled();
  const resumedAt = Date.now();
  await page.getByTestId('run-resume').click();
  // How long "starting" lasts: resuming re-reads the saved stream and checkpoint before its first turn.
  await expect(progress).toHaveAttribute('data-state', /^(running|finished)$/, { timeout: 180_000 });
  console.log(`resume: starting → running in ${((Date.now() - resumedAt) / 1000).toFixed(1)} s`);
  await expect(progress).toHaveAttribute('data-state', 'finished', { timeout: 180_000 });
  await expect(progress).toContainText('finished · 10 of 10 turns');
  await expect(page.getByTestId('run-reopen')).toHaveCount(0);

  // The same settings, uninterrupted, on the demo's edit stream read by URL (the same bytes).
  await expect(page.getByTestId('file-edits')).toHaveText('edits.eval.json');
  await page.getByTestId('run-start').click();
  await expect(progress).toHaveAttribute('data-state', 'finished', { timeout: 180_000 });

  let runs: StoredRun[] = [];
  await expect
    .poll(async () => (runs = await storedRuns(page)).map((r) => r.status), { timeout: 10_000 })
    .toEqual(['finished', 'finished']);
  const [resumed, straight] = runs;
  // It did resume (not start over) from a checkpoint taken before the reload.
  expect(resumed.plan?.resumedFrom).toBeGreaterThanOrEqual(1);
  expect(straight.plan?.resumedFrom).toBeNull();

  // Everything a turn reports except how long it took.
  const perTurn = (r: StoredRun) =>
    r.turns.map((t) => ({
      step: t.step,
      kind: t.kind,
      edits: t.edits,
      loss: t.loss,
      diagnostics: { ...t.diagnostics, modules: t.diagnostics.modules.map(({ timeMs: _t, ...m }) => m) },
    }));
  expect(resumed.turns).toHaveLength(10);
  expect(perTurn(resumed)).toEqual(perTurn(straight));
  expect(resumed.metrics).toEqual(straight.metrics);
  expect(resumed.report?.targetEdits).toBe(100);
  expect(resumed.report?.final).toEqual(straight.report?.final);
  expect(resumed.report?.preEdit).toEqual(straight.report?.preEdit);

  // After another reload, each finished run still exports the weights it left (rebuilt from what it
  // saved), and they are the same bytes: the resumed run edited exactly as the uninterrupted one.
  await page.reload();
  await labReady(page);
  const exported = async (label: string) => {
    const select = page.getByTestId('export-weights-of');
    const value = await select.locator('option', { hasText: label }).first().getAttribute('value');
    await select.selectOption(value!);
    await expect(page.getByTestId('export-weights')).toBeEnabled();
    const dl = page.waitForEvent('download');
    await page.getByTestId('export-weights').click();
    return readFileSync(await (await dl).path());
  };
  const labels = await page.getByTestId('export-weights-of').locator('option').allTextContents();
  const runLabels = labels.filter((l) => l.startsWith('run '));
  expect(runLabels).toHaveLength(2);
  const a = await exported(runLabels[0]);
  const b = await exported(runLabels[1]);
  expect(a.length).toBeGreaterThan(4_000_000);
  // The header's metadata names each run; the tensors after it must be the same bytes.
  const tensorBytes = (x: Buffer) => x.subarray(8 + Number(x.readBigUInt64LE(0)));
  expect(Buffer.compare(tensorBytes(a), tensorBytes(b))).toBe(0);
  const pristine = await (async () => {
    await page.getByTestId('export-weights-of').selectOption('');
    const dl = page.waitForEvent('download');
    await page.getByTestId('export-weights').click();
    return readFileSync(await (await dl).path());
  })();
  expect(Buffer.compare(tensorBytes(a), tensorBytes(pristine))).not.toBe(0);
  expect(errors).toEqual([]);
});
