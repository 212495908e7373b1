/**
 * Issue 29, the page as a researcher reads it (one loaded page for all of it): eight runs compared
 * at 1280×720 with every row and column in view and each run's swatch in its row; one unit (%) with
 * labelled y axes kept in [0, 100]; the warm-up's end marked on every chart; a note on the demo's
 * weak numbers linking docs/demo.md; a removed run put back with its colour, the others never
 * repainted; and at 800×900 a layout that stacks cleanly with the settings before the charts.
 * Screenshots: docs/screenshots/lab-1280x720-8-runs.png and lab-800x900.png. The runs are imported
 * run files made from synthetic records (never real measurements).
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { syntheticRun } from '../src/ui/lib/synthetic-turns';
import { runFileJson } from '../src/ui/runs/run-file';

const EDITORS = ['ultraedit', 'stableedit', 'stableedit-niw', 'diagonal', 'no-ln', 'ft', 'memit', 'alphaedit'];
const MODULES = ['model.layers.2.mlp.down_proj', 'model.layers.3.mlp.down_proj'];

async function box(el: Locator, what: string) {
  const b = await el.boundingBox();
  expect(b, `${what} has a box`).not.toBeNull();
  return b!;
}

async function inViewport(page: Page, el: Locator, what: string) {
  const b = await box(el, what);
  const vp = page.viewportSize()!;
  expect(b.x, `${what} left`).toBeGreaterThanOrEqual(0);
  expect(b.y, `${what} top`).toBeGreaterThanOrEqual(0);
  expect(b.x + b.width, `${what} right`).toBeLessThanOrEqual(vp.width + 0.5);
  expect(b.y + b.height, `${what} bottom`).toBeLessThanOrEqual(vp.height + 0.5);
}

const swatchColours = (page: Page) =>
  page
    .getByTestId('run-list')
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((r) => [
        (r.querySelector('[data-testid=run-name]') as HTMLInputElement).value,
        getComputedStyle(r.querySelector('.se-swatch')!).getPropertyValue('--swatch').trim().toUpperCase(),
      ]),
    );

test('eight runs at 1280×720 and the narrow layout at 800×900', async ({ page }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('model-panel')).toHaveAttribute('data-status', 'loaded', { timeout: 60_000 });
  for (const [i, editor] of EDITORS.entries()) {
    const { turns, metrics } = syntheticRun({ seed: i + 1, turns: 12, warmupTurns: 3, editsPerTurn: 20, sampleEvery: 4, modules: MODULES });
    const label = `${editor} lr 0.001 λ 10`;
    const run = {
      id: `run-${i}`,
      label,
      config: { model: 'demo (built-in)', editor, lr: 0.001, ridge: 10 },
      status: 'finished' as const,
      createdAt: i + 1,
      turns,
      metrics,
      warnings: [],
      version: 0,
    };
    await page
      .getByTestId('import-run')
      .setInputFiles({ name: `${editor}.run.json`, mimeType: 'application/json', buffer: Buffer.from(runFileJson(run)) });
  }
  await expect(page.getByTestId('run-list').locator('tbody tr')).toHaveCount(8);

  // --- the comparison at 1280×720: every row and every column on screen, no scroll box, no sideways overflow
  const table = page.getByTestId('comparison-scores');
  const rows = table.locator('tbody tr');
  await expect(rows).toHaveCount(9); // pre-edited + 8
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: 'docs/screenshots/lab-1280x720-8-runs.png' });
  for (let i = 0; i < 9; i++) await inViewport(page, rows.nth(i), `comparison row ${i}`);
  for (const h of ['Reasoning', 'Edits']) await inViewport(page, table.locator('thead th', { hasText: h }), `the ${h} column`);
  const overflow = await table.evaluate((t) => {
    let el: HTMLElement | null = t as HTMLElement;
    const out: string[] = [];
    for (; el && el !== document.body; el = el.parentElement) if (el.scrollWidth > el.clientWidth + 1) out.push(el.className || el.tagName);
    return out;
  });
  expect(overflow, 'nothing around the table scrolls sideways').toEqual([]);
  await inViewport(page, page.getByTestId('run-start'), 'Start');
  // Each row's swatch is its run's colour: the run list's and the charts' lines.
  const listed = await swatchColours(page);
  const inTable = await rows.evaluateAll((trs) =>
    trs
      .filter((tr) => tr.querySelector('.se-row-swatch'))
      .map((tr) => [
        tr.querySelector('th')!.textContent!.trim(),
        tr.querySelector('.se-row-swatch')!.getAttribute('data-color')!.toUpperCase(),
      ]),
  );
  expect(inTable.map(([, c]) => c)).toEqual(listed.map(([, c]) => c));
  expect(new Set(listed.map(([, c]) => c)).size).toBe(8);
  const loss = page.locator('figure.se-chart').nth(3); // the loss chart: one line per run
  await loss.scrollIntoViewIfNeeded(); // off screen a chart keeps what it last drew
  await expect
    .poll(() => loss.locator('path.se-line').evaluateAll((ps) => ps.map((p) => p.getAttribute('stroke')!.toUpperCase())))
    .toEqual(listed.map(([, c]) => c));
  await page.evaluate(() => window.scrollTo(0, 0));
  // The note on the demo's numbers, where the numbers are, with the measured reason one click away.
  const note = page.getByTestId('demo-note');
  await expect(note).toContainText('Low scores on the demo are expected');
  const href = await note.getByRole('link', { name: 'docs/demo.md' }).getAttribute('href');
  const doc = await page.request.get(href!);
  expect(doc.status()).toBe(200);
  expect(await doc.text()).toContain('# The built-in demo over a long stream');

  // --- one unit, labelled axes, scores in [0, 100], the warm-up's end on every chart
  const charts = page.locator('figure.se-chart');
  const n = await charts.count();
  expect(n).toBeGreaterThanOrEqual(10);
  for (let i = 0; i < n; i++) {
    const chart = charts.nth(i);
    await chart.scrollIntoViewIfNeeded();
    const title = (await chart.locator('.se-chart-title').textContent())!;
    await expect(chart.locator('.se-warmup-mark'), `${title}: warm-up mark`).toHaveCount(1);
    const yTitle = (await chart.locator('.se-ytitle').textContent())!;
    expect(yTitle.length, `${title}: y axis title`).toBeGreaterThan(1);
    if (/Efficacy|Generalization|Specificity/.test(title)) {
      expect(yTitle).toBe('token accuracy (%)');
      const ticks = (await chart.locator('.se-ytick').allTextContents()).map(Number);
      expect(Math.min(...ticks), `${title}: ticks ≥ 0`).toBeGreaterThanOrEqual(0);
      expect(Math.max(...ticks), `${title}: ticks ≤ 100`).toBeLessThanOrEqual(100);
      // Percent, not fractions: the synthetic scores are 20–40 %.
      expect(Math.max(...ticks), `${title}: in percent`).toBeGreaterThan(1);
    }
  }
  await expect(page.getByTestId('comparison-scores').locator('caption')).toContainText('Scores in %');

  // --- removing a run: undo names it and puts it back; nobody's colour changes
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.getByRole('button', { name: `Remove run ${EDITORS[1]} lr 0.001 λ 10` }).click();
  await expect(page.getByTestId('run-removed')).toContainText(`Removed run “${EDITORS[1]} lr 0.001 λ 10”`);
  await expect(page.getByTestId('run-undo')).toBeFocused();
  expect(await swatchColours(page)).toEqual(listed.filter(([name]) => name !== `${EDITORS[1]} lr 0.001 λ 10`));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('run-list').locator('tbody tr')).toHaveCount(8);
  expect(await swatchColours(page)).toEqual(listed);

  // --- 800×900: the runs, then the comparison, then the set-up, then the charts; nothing overlaps
  await page.setViewportSize({ width: 800, height: 900 });
  await page.evaluate(() => window.scrollTo(0, 0));
  const runsBox = await box(page.getByTestId('run-list'), 'run list');
  const tableBox = await box(table, 'comparison table');
  const overlaps = runsBox.y < tableBox.y + tableBox.height && tableBox.y < runsBox.y + runsBox.height;
  expect(
    overlaps && runsBox.x < tableBox.x + tableBox.width && tableBox.x < runsBox.x + runsBox.width,
    'run list and comparison overlap',
  ).toBe(false);
  expect(await page.evaluate(() => document.documentElement.scrollWidth), 'no sideways scroll').toBeLessThanOrEqual(800);
  const settings = page.locator('#settings-h');
  const settingsY = (await box(settings, 'settings')).y;
  const chartsY = (await box(charts.first(), 'first chart')).y;
  expect(settingsY, 'the settings come before the charts').toBeLessThan(chartsY);
  await page.screenshot({ path: 'docs/screenshots/lab-800x900.png' });
  await settings.scrollIntoViewIfNeeded();
  await inViewport(page, page.getByTestId('run-start'), 'Start, scrolled to the settings');
  await inViewport(page, page.getByTestId('top-data'), 'the status, scrolled to the settings');
  expect(errors).toEqual([]);
});
