/**
 * The charts as a reader meets them (issue 11), on a finished synthetic run (e2e/pages/chart-stream.tsx:
 * src/ui/lib/synthetic-turns.ts, never real measurements) shaped like the lab's: specificity scored only
 * by the sampled evaluations, two modules of one weight shape sharing their Σ statistics.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';

const chart = (page: Page, title: RegExp) => page.locator('figure.se-chart', { has: page.locator('h3', { hasText: title }) });

/** WCAG contrast ratio of two `rgb(r, g, b)` colours. */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = c
      .match(/\d+/g)!
      .slice(0, 3)
      .map((v) => {
        const s = Number(v) / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test.beforeEach(async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/e2e/pages/chart-stream.html');
  await page.waitForFunction(() => 'addFinishedRun' in window);
  await page.evaluate(() => window.addFinishedRun({ turns: 4, noImmediateSpecificity: true, shareSigma: true }));
  await expect(chart(page, /^Efficacy/).locator('path.se-line')).toHaveCount(1);
});

test('turn ticks are whole numbers counted from 1; raw values faint behind the smoothed line', async ({ page }) => {
  const eff = chart(page, /^Efficacy/);
  const ticks = await eff.locator('.se-xtick').allTextContents();
  expect(ticks).toEqual(['1', '2', '3', '4']);
  await expect(eff.locator('path.se-line-raw')).toHaveCount(1);
  expect(await eff.locator('path.se-line-raw').getAttribute('stroke-opacity')).toBe('0.28');
  // The graphic has an accessible name and a description of its lines.
  const img = page.getByRole('img', { name: /^Efficacy — immediate/ });
  await expect(img).toHaveCount(1);
  await expect(img.locator('desc')).toContainText('synthetic finished');
});

test('specificity shows the protocol that scored it, and says so', async ({ page }) => {
  const spe = chart(page, /^Specificity/);
  await expect(spe.locator('h3')).toHaveText('Specificity — sample, token accuracy');
  await expect(spe.locator('path.se-line')).toHaveCount(1);
  await expect(spe.getByTestId('eval-fallback')).toContainText('not scored under immediate');
});

test('modules that share Σ draw one line, and the chart says why', async ({ page }) => {
  const cond = chart(page, /^Condition number/);
  await expect(cond.locator('path.se-line')).toHaveCount(2);
  await expect(cond.locator('.se-legend li')).toHaveText([/^1\.mlp\.down_proj/, /^2\.mlp\.down_proj = 3\.mlp\.down_proj/]);
  await expect(cond.getByTestId('shared-sigma')).toContainText('2.mlp.down_proj and 3.mlp.down_proj share Σ (same weight shape)');
  // Update norms differ per module: three lines there.
  await expect(chart(page, /^Update norm/).locator('path.se-line')).toHaveCount(3);
});

test('hover values sit in the chart’s own legend; drag zooms the x axis, reset shows all', async ({ page }) => {
  const eff = chart(page, /^Efficacy/);
  const plot = eff.locator('svg.se-plot > rect');
  const box = (await plot.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.36, box.y + box.height / 2);
  await expect(eff.locator('.se-chart-note')).toContainText('at turn (warm-up included) 2');
  await expect(eff.locator('.se-legend-value')).toHaveCount(1);
  await expect(page.locator('.se-tooltip, .recharts-tooltip-wrapper')).toHaveCount(0);

  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  // Turns 1.9 to 3.1 picked: the axis zooms to whole turns 2–3.
  await expect(eff.locator('.se-chart-note')).toContainText('zoomed to 2–3');
  expect(await eff.locator('.se-xtick').allTextContents()).toEqual(['2', '3']);
  await eff.getByRole('button', { name: 'reset zoom' }).click();
  await expect(eff.locator('.se-chart-note')).not.toContainText('zoomed');
  expect(await eff.locator('.se-xtick').allTextContents()).toEqual(['1', '2', '3', '4']);
});

test('axis text has at least 4.5:1 contrast', async ({ page }) => {
  const eff = chart(page, /^Efficacy/);
  const fill = await eff
    .locator('.se-xtick')
    .first()
    .evaluate((el) => getComputedStyle(el).fill);
  const bg = await eff.evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(contrast(fill, bg)).toBeGreaterThanOrEqual(4.5);
});

test('an exported PNG carries the title and the legend under the plot', async ({ page }) => {
  const eff = chart(page, /^Efficacy/);
  const svg = (await eff.locator('svg.se-plot').boundingBox())!;
  const dl = page.waitForEvent('download');
  await eff.getByRole('button', { name: 'PNG' }).click();
  const png = readFileSync(await (await dl).path());
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
  // Drawn at 2× (or the device ratio): 28 px of title above, one 18 px legend row + 8 px below.
  expect(w).toBe(Math.ceil(svg.width * 2));
  expect(h).toBe(Math.ceil((svg.height + 28 + 26) * 2));
});
