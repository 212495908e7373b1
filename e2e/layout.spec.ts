/**
 * Dashboard first (issue 11): on the first screen at 1440×900 and 1280×720 a newcomer sees the Start
 * button and the charts, Start is among the first Tab stops, and the top bar stays pinned while the
 * page scrolls. The set-up sections sit in the side panel with the demo already loaded.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { syntheticRun } from '../src/ui/lib/synthetic-turns';
import { runFileJson } from '../src/ui/runs/run-file';

const SIZES = [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
];

async function inViewport(page: Page, el: Locator, what: string) {
  const box = await el.boundingBox();
  const vp = page.viewportSize()!;
  expect(box, `${what} has a box`).not.toBeNull();
  expect(box!.x, `${what} left edge`).toBeGreaterThanOrEqual(0);
  expect(box!.y, `${what} top edge`).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, `${what} right edge`).toBeLessThanOrEqual(vp.width);
  expect(box!.y + box!.height, `${what} bottom edge`).toBeLessThanOrEqual(vp.height);
}

for (const size of SIZES) {
  test(`first screen at ${size.width}×${size.height} shows Start and the charts`, async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setViewportSize(size);
    await page.goto('/?backend=wasm');
    await expect(page.getByTestId('model-panel')).toHaveAttribute('data-status', 'loaded', { timeout: 60_000 });
    await expect(page.getByTestId('top-model')).toContainText('demo');

    const start = page.getByTestId('run-start');
    await expect(start).toHaveCount(1);
    await inViewport(page, start, 'Start run');
    const charts = page.locator('figure.se-chart');
    await expect(charts.first()).toBeVisible();
    await inViewport(page, charts.first(), 'the first chart');
    // The comparison table starts on the first screen too.
    const comparison = page.getByTestId('comparison');
    expect((await comparison.boundingBox())!.y).toBeLessThan(size.height);

    // Start is reached in a few Tab stops from the top (it was 34).
    await page.locator('body').focus();
    let stops = 0;
    while (stops < 8 && !(await start.evaluate((el) => el === document.activeElement))) {
      await page.keyboard.press('Tab');
      stops++;
    }
    expect(stops).toBeLessThanOrEqual(5);

    // The top bar stays pinned: scrolled to the bottom, Start is still on screen.
    await page.mouse.wheel(0, 5000);
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(500);
    await inViewport(page, start, 'Start run after scrolling');
    expect(errors).toEqual([]);
  });
}

test('with runs listed, the first screen at 1280×720 still shows Start and the whole first chart', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('model-panel')).toHaveAttribute('data-status', 'loaded', { timeout: 60_000 });
  // Two finished runs, imported as run files made from synthetic records (never real measurements).
  for (const [seed, label] of [
    [1, 'synthetic A'],
    [2, 'synthetic B'],
  ] as const) {
    const { turns, metrics } = syntheticRun({ seed, turns: 12, modules: ['model.layers.2.mlp.down_proj', 'model.layers.3.mlp.down_proj'] });
    const run = {
      id: `run-${seed}`,
      label,
      config: {},
      status: 'finished' as const,
      createdAt: seed,
      turns,
      metrics,
      warnings: [],
      version: 0,
    };
    await page
      .getByTestId('import-run')
      .setInputFiles({ name: `${label}.run.json`, mimeType: 'application/json', buffer: Buffer.from(runFileJson(run)) });
  }
  await expect(page.getByTestId('run-list').locator('tbody tr')).toHaveCount(2);
  await expect(page.locator('figure.se-chart').first().locator('path.se-line')).toHaveCount(2);
  await inViewport(page, page.getByTestId('run-start'), 'Start run');
  await inViewport(page, page.locator('figure.se-chart').first(), 'the first chart');
  // Each run's swatch has its lines' colour; hiding a run takes its line out of the charts.
  const swatch = page.getByTestId('run-list').locator('tbody tr').nth(1).locator('.se-swatch');
  const colour = await swatch.evaluate((el) => getComputedStyle(el.querySelector('input')!).borderTopColor);
  const strokes = await page
    .locator('figure.se-chart')
    .first()
    .locator('path.se-line')
    .evaluateAll((ps) => ps.map((p) => p.getAttribute('stroke')));
  const hex = (rgb: string) =>
    '#' +
    rgb
      .match(/\d+/g)!
      .slice(0, 3)
      .map((v) => Number(v).toString(16).padStart(2, '0'))
      .join('')
      .toUpperCase();
  expect(strokes[1]?.toUpperCase()).toBe(hex(colour));
  await swatch.locator('input').uncheck();
  await expect(page.locator('figure.se-chart').first().locator('path.se-line')).toHaveCount(1);
  // Renaming a run renames its lines.
  await page.getByTestId('run-name').first().fill('renamed run');
  await expect(page.locator('figure.se-chart').first().locator('.se-legend')).toContainText('renamed run');
});
