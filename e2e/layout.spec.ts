/**
 * Dashboard first (issue 11): on the first screen at 1440×900 and 1280×720 a newcomer sees the Start
 * button and the charts, Start is among the first Tab stops, and the top bar stays pinned while the
 * page scrolls. The set-up sections sit in the side panel with the demo already loaded.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';

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
