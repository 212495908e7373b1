/**
 * Issue 29, a researcher's first half hour on the built site, in one page (demo model, CPU backend):
 * the demo model loads with no cancelled request; a failed dataset turns the Data pill red with the
 * reason, a one-record file says "1 edit", and the demo's streams come back with one button; Enter
 * on Start leaves focus on Pause, on Pause on Resume; the pre-edit scoring shows its progress; a run
 * reopened after a reload never counts back; exports are named by model, editor, settings and date,
 * and the weights carry the run's settings and the lab's version; interactive edits work with
 * UltraEdit, and a refusal says its true reason.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { DEMO_RUN } from '../src/engine/lab/demo-defaults';
import { parseSafetensorsBytes } from './fixtures/safetensors-header';
import { storedRuns } from './fixtures/stored-runs';

// 2 statistics-only warm-up turns, 6 target turns, a checkpoint every 2: a run reopened at an odd turn redoes one.
const LAB_VERSION = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version as string;
const QUERY = '?backend=wasm&nEdits=10&subBatch=5&turns=6&warmupTurns=2&sampleEvery=2&sampleSize=10&checkpointEvery=2';

async function labReady(page: Page) {
  await expect(page.getByTestId('model-panel')).toHaveAttribute('data-status', 'loaded', { timeout: 120_000 });
  await expect(page.getByTestId('count-edits')).toContainText('1,000 valid', { timeout: 90_000 });
}

async function drop(page: Page, name: string, text: string) {
  const dataTransfer = await page.evaluateHandle(
    ({ text, name }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type: 'application/json' }));
      return dt;
    },
    { text, name },
  );
  await page.dispatchEvent('[data-testid=drop-edits]', 'drop', { dataTransfer });
}

/** Every text the progress line shows, kept in the page (a state that lasts one frame is still seen). */
function logProgress(page: Page) {
  return page.addInitScript(() => {
    const log: string[] = [];
    (window as unknown as { progressLog: string[] }).progressLog = log;
    new MutationObserver(() => {
      const t = document.querySelector('[data-testid=run-progress]')?.textContent ?? '';
      if (t && t !== log.at(-1)) log.push(t);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
}
const progressLog = (page: Page) => page.evaluate(() => (window as unknown as { progressLog: string[] }).progressLog);

test('a day at the lab: data, keyboard, progress, reload, exports, interactive edits', async ({ page }) => {
  test.setTimeout(300_000);
  const errors: string[] = [];
  const failed: string[] = [];
  const gets = new Map<string, number>();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('requestfailed', (r) => failed.push(`${r.method()} ${r.url()} ${r.failure()?.errorText}`));
  page.on('request', (r) => {
    if (!r.url().includes('/demo/model/')) return;
    const key = `${r.method()} ${r.url()} ${r.headers().range ?? ''}`;
    gets.set(key, (gets.get(key) ?? 0) + 1);
  });
  await logProgress(page);
  await page.goto('/' + QUERY);
  await labReady(page);

  // --- the demo model's files: each request once, none cancelled (net::ERR_ABORTED)
  expect(failed).toEqual([]);
  expect([...gets].filter(([, n]) => n > 1)).toEqual([]);

  // --- datasets: a failed read is red and says why; one record is "1 edit"; the way back to the demo
  const chip = page.getByTestId('top-data-chip');
  await expect(chip).toHaveAttribute('data-state', 'loaded');
  await drop(page, 'truncated.json', '[{"src":"What is the occupation of St');
  await expect(chip).toHaveAttribute('data-state', 'error');
  await expect(page.getByTestId('top-data')).toContainText('truncated.json · no valid records: the JSON array is truncated');
  await page.getByTestId('data-demo').click();
  await expect(chip).toHaveAttribute('data-state', 'loaded');
  await expect(page.getByTestId('top-data')).toHaveText('edits.eval.json · 1,000 edits');
  await expect(page.getByTestId('data-demo')).toHaveCount(0);
  await drop(
    page,
    'one.json',
    JSON.stringify([{ src: 'Where was Vimvelukard born?', ans: 'Mirpersk', loc: 'In which country is Gesk', loc_ans: 'Velerremand' }]),
  );
  await expect(page.getByTestId('top-data')).toHaveText('one.json · 1 edit');
  await expect(page.getByTestId('preview-edits').locator('caption')).toHaveText('The first record');
  await page.getByTestId('data-demo').click();
  await expect(page.getByTestId('top-data')).toHaveText('edits.eval.json · 1,000 edits');

  // --- the keyboard: Enter on Start leaves focus on Pause, on Pause on Resume
  const start = page.getByTestId('run-start');
  await expect(start).toBeEnabled();
  await start.focus();
  await page.keyboard.press('Enter');
  const progress = page.getByTestId('run-progress');
  await expect(progress).toHaveAttribute('data-state', 'running', { timeout: 120_000 });
  await expect(page.getByTestId('run-pause')).toBeFocused();
  await expect(progress).toContainText(/running · [3-6] of 8 turns/, { timeout: 120_000 });
  await page.keyboard.press('Enter');
  await expect(progress).toHaveAttribute('data-state', 'paused', { timeout: 60_000 });
  await expect(page.getByTestId('run-resume')).toBeFocused();
  let at = Number(/(\d+) of 8 turns/.exec((await progress.textContent())!)![1]);
  if (at % 2 === 0) {
    // Past a checkpoint by one turn, so that the reopened run has a turn to do again.
    await page.getByTestId('run-step').click();
    await expect(progress).toContainText(`${at + 1} of 8 turns`, { timeout: 60_000 });
    at++;
  }
  // The pre-edit scoring showed how far it was.
  expect((await progressLog(page)).some((t) => /scoring the model before editing \(prompts\): \d+ of \d+/.test(t))).toBe(true);

  // --- reload mid-run and continue: the counter never shows fewer turns than before. The page
  // saves a paused run at once; a reload in the same instant may come before IndexedDB has the
  // last turn (the run then redoes it from the checkpoint), so the reload waits for the save.
  await expect
    .poll(
      async () => {
        const last = (await storedRuns(page)).at(-1);
        return last ? Math.max(last.turns.length, last.seenTurns ?? 0) : 0;
      },
      { timeout: 10_000 },
    )
    .toBe(at);
  await page.reload();
  await labReady(page);
  await expect(progress).toHaveAttribute('data-state', 'interrupted');
  await expect(progress).toContainText(`${at} of 8 turns`);
  await page.getByTestId('run-resume').click();
  await expect(progress).toHaveAttribute('data-state', 'finished', { timeout: 120_000 });
  const after = await progressLog(page);
  const counts = after.flatMap((t) => [...t.matchAll(/(\d+) of 8 turns/g)].map((m) => Number(m[1])));
  expect(Math.min(...counts), `counter after the reload (${after.join(' | ')})`).toBeGreaterThanOrEqual(at);
  expect(after.some((t) => t.includes(`turn ${at} again from the checkpoint`))).toBe(true);

  // --- exports: names a person can read; the weights' metadata holds the settings and the lab's version
  const stem = new RegExp(`^demo-built-in-stableedit-lr${DEMO_RUN.lr}-ridge${DEMO_RUN.ridge}-\\d{4}-\\d\\d-\\d\\d-\\d{4}$`);
  const csvDl = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const csvName = (await csvDl).suggestedFilename();
  expect(csvName.replace(/\.metrics\.csv$/, '')).toMatch(stem);
  const runId = await page.getByTestId('export-run').inputValue();
  await page.getByTestId('export-weights-of').selectOption(runId);
  const wDl = page.waitForEvent('download');
  await page.getByTestId('export-weights').click();
  const weights = await wDl;
  expect(weights.suggestedFilename().replace(/\.edited\.safetensors$/, '')).toBe(csvName.replace(/\.metrics\.csv$/, ''));
  const { metadata } = parseSafetensorsBytes(readFileSync(await weights.path()));
  expect(metadata).toMatchObject({
    lab_version: LAB_VERSION,
    source: 'demo (built-in)',
    alg_name: 'stableedit',
    lr: String(DEMO_RUN.lr),
    ridge: String(DEMO_RUN.ridge),
    n_edits: '10',
    warmup_turns: '2',
    layers: DEMO_RUN.modules.join(','),
  });
  expect(JSON.parse(metadata.run_config)).toMatchObject({ editor: 'stableedit', nEdits: 10, turns: 6, checkpointEvery: 2 });

  // --- interactive edits with UltraEdit (its statistics in turns of two, the record twice)
  await page.getByTestId('set-editor').selectOption('ultraedit');
  await expect(page.getByTestId('edit-plan')).toContainText('the record is given 2 times');
  await page.getByTestId('probe-prompt').fill('What is the occupation of Zelhathis?');
  await page.getByTestId('edit-answer').fill('Trirtron');
  await page.getByTestId('edit-apply').click();
  await expect(page.getByTestId('probe-note')).toContainText('applied with ultraedit', { timeout: 60_000 });
  await expect(page.getByTestId('probe-note')).toContainText('the record given 2 times');
  await expect(page.getByTestId('probe-error')).toHaveCount(0);
  // A refusal gives its true reason: MEMIT needs the subject of a prompt that is no stream record.
  await page.getByTestId('set-editor').selectOption('memit');
  await page.getByTestId('probe-prompt').fill('Who painted the northern lights?');
  await page.getByTestId('edit-apply').click();
  const refusal = page.getByTestId('probe-error');
  await expect(refusal).toContainText('name the subject', { timeout: 60_000 });
  await expect(refusal).not.toContainText('Load a model first');
  expect(failed).toEqual([]);
  expect(errors).toEqual([]);
});
