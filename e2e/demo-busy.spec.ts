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
