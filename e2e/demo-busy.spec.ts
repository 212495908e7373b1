/**
 * The built site reads its demo streams whole on a busy machine. Under load the site used to stop
 * both streams at record 24 ("invalid JSON … at position 4096"): the container sniff fetched bytes
 * 0–4095 with a Range request, and the browser's HTTP cache stitched that cached range to the rest
 * of the file fetched again with gzip encoding. Fresh browser contexts, each with a cold cache,
 * load the page while three busy processes compete for the CPU.
 */
import { expect, test } from '@playwright/test';
import { keepBusy } from './support/busy';

test('both demo streams read whole in fresh pages while the machine is busy', async ({ browser }) => {
  test.setTimeout(240_000);
  const stop = keepBusy(3);
  try {
    for (let i = 0; i < 3; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto('/');
      await expect(page.getByTestId('count-edits')).toContainText('1,000 valid', { timeout: 60_000 });
      await expect(page.getByTestId('count-warmup')).toContainText('500 valid', { timeout: 60_000 });
      await expect(page.getByTestId('report-edits')).not.toContainText('invalid JSON');
      await context.close();
    }
  } finally {
    stop();
  }
});

test('the default demo run, as a newcomer starts it, runs to the end on the built site', async ({ page }) => {
  test.setTimeout(600_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  // "auto" on a machine whose only WebGPU adapter is software takes the CPU backend, and says so.
  await expect(page.getByTestId('model-panel')).toHaveAttribute('data-status', 'loaded', { timeout: 120_000 });
  await expect(page.getByTestId('run-start')).toBeEnabled({ timeout: 60_000 });
  await page.getByTestId('run-start').click();
  const progress = page.getByTestId('run-progress');
  await expect(progress).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  await expect(progress).toContainText(/edits\/s · ETA/, { timeout: 120_000 });
  await expect(progress).toHaveAttribute('data-state', 'finished', { timeout: 540_000 });
  await expect(page.getByTestId('comparison')).toContainText('stableedit');
  expect(errors).toEqual([]);
});
