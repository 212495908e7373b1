/**
 * Issue #22 item 3, the page's side of the hypernetwork editors: a network trained by the CLI's
 * train-editor (tiny: rank 8, 2 steps, for the demo model) is given to the page as its two files; a
 * damaged copy is refused naming the file; the editor list offers MEND, MALMEN and RLEdit, lr and λ
 * are disabled for them; an RLEdit run goes through the run loop and charts its turns.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const QUERY = '?backend=wasm&nEdits=4&subBatch=4&turns=3&warmupTurns=0&sampleEvery=0&checkpointEvery=1';

test('a network trained by the CLI is imported, a damaged one refused, and an RLEdit run charts its turns', async ({ page }) => {
  test.setTimeout(180_000);
  const out = join(mkdtempSync(join(tmpdir(), 'hypernet-e2e-')), 'net');
  execFileSync(
    process.execPath,
    [
      'bin/stableedit-lab.mjs',
      'train-editor',
      ...['--editor', 'rledit', '--model', 'public/demo/model', '--data', 'public/demo/data/edits.train.json', '--out', out],
      ...['--n-edits', '4', '--turns', '2', '--epochs', '1', '--rank', '8', '--backend', 'wasm', '--threads', '1'],
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const json = { name: 'hypernet.json', mimeType: 'application/json', buffer: readFileSync(join(out, 'hypernet.json')) };
  const weights = readFileSync(join(out, 'network.safetensors'));

  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const opened = Date.now();
  await page.goto('/' + QUERY);
  await expect(page.getByTestId('model-panel')).toHaveAttribute('data-status', 'loaded', { timeout: 60_000 });
  await expect(page.getByTestId('count-edits')).toContainText('1,000 valid', { timeout: 90_000 });

  const editor = page.getByTestId('set-editor');
  for (const name of ['mend', 'malmen', 'rledit'])
    await expect(editor.locator(`option[value="${name}"], option:text-is("${name}")`)).toHaveCount(1);
  await editor.selectOption('rledit');
  await expect(page.getByTestId('set-lr')).toBeDisabled();
  await expect(page.getByTestId('set-ridge')).toBeDisabled();
  await expect(page.getByTestId('hypernet-status')).toContainText('no network yet');

  // A start without a network says what to do.
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-error')).toContainText(/editor rledit edits with a trained network: import its hypernet\.json/, {
    timeout: 30_000,
  });

  // A truncated network.safetensors is refused, naming it.
  const pick = page.getByTestId('pick-hypernet');
  await pick.setInputFiles([
    json,
    { name: 'network.safetensors', mimeType: 'application/octet-stream', buffer: weights.subarray(0, 4096) },
  ]);
  await expect(page.getByTestId('hypernet-error')).toContainText(/network\.safetensors: has SHA-256 .*altered or from another training/, {
    timeout: 30_000,
  });

  await pick.setInputFiles([json, { name: 'network.safetensors', mimeType: 'application/octet-stream', buffer: weights }]);
  await expect(page.getByTestId('hypernet-status')).toContainText(
    'network: rledit for model.layers.2.mlp.down_proj, model.layers.3.mlp.down_proj',
    {
      timeout: 30_000,
    },
  );
  await expect(page.getByTestId('hypernet-error')).toHaveCount(0);
  console.log(`page opened to network imported: ${((Date.now() - opened) / 1000).toFixed(1)} s`);

  const started = Date.now();
  await page.getByTestId('run-start').click();
  const progress = page.getByTestId('run-progress');
  await expect(progress).toHaveAttribute('data-state', 'finished', { timeout: 90_000 });
  await expect(progress).toContainText('finished · 3 of 3 turns');
  console.log(`rledit run in the page: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // The charts drew the run's three turns (a line may be flat: an untrained network edits little).
  await expect(page.locator('.se-chart path.se-line').first()).toHaveAttribute('d', /^M[\d.]+ [\d.]+(L[\d.]+ [\d.]+){2}$/);
  expect(errors).toEqual([]);
});
