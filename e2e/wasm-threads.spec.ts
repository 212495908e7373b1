/**
 * The CPU backend on every core, on the built site. onnxruntime-web's threaded wasm starts pthread
 * workers from its own module (workers/ort-assets.ts points it at the standalone .mjs); started from
 * the engine worker's chunk instead they never answered, and the first threaded session hung on
 * "scoring the model before editing". What proves threads are in use: the page is cross-origin
 * isolated (SharedArrayBuffer, without which ORT would drop to one thread), the lab reports the count
 * it gave ORT, ORT's pthread workers exist and the threaded sessions return (the run finishes); with
 * `threads=1` no pthread worker starts. The float64 editor math's pool (linalg/parallel/web-pool.ts)
 * starts with the same count and says so in the engine worker's log.
 */
import { expect, test, type Page } from '@playwright/test';
import { wasmThreadCount } from '../src/engine/runtime/wasm-thread-count';

/** ORT's pthread workers: the standalone Emscripten module, as Vite emits it (ort-wasm-simd-threaded.jsep-<hash>.mjs). */
function watchPthreads(page: Page): string[] {
  const urls: string[] = [];
  page.on('worker', (w) => {
    if (/\/ort-wasm-simd-threaded\.jsep-[\w-]+\.mjs$/.test(w.url())) urls.push(w.url());
  });
  return urls;
}

async function openLab(page: Page, query: string) {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/' + query);
  await expect(page.getByTestId('model-panel')).toHaveAttribute('data-status', 'loaded', { timeout: 120_000 });
  await expect(page.getByTestId('run-start')).toBeEnabled({ timeout: 90_000 });
  return errors;
}

test('the default demo run, as a newcomer starts it, runs to the end on every core', async ({ page }) => {
  test.setTimeout(600_000);
  const pthreads = watchPthreads(page);
  const logs: string[] = [];
  page.on('console', (m) => logs.push(m.text()));
  const errors = await openLab(page, '');
  const host = await page.evaluate(() => ({ crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency }));
  expect(host.crossOriginIsolated).toBe(true);
  const threads = wasmThreadCount({ node: false, ...host });
  test.skip(threads < 2, `this browser reports ${host.hardwareConcurrency} core: nothing to run in parallel`);
  // "auto" on a machine whose only WebGPU adapter is software takes the CPU backend, and says so.
  await expect(page.getByTestId('model-backend')).toContainText(`CPU (onnxruntime-web wasm, ${threads} threads)`);
  // The float64 editor math's pool started its Web Workers from the engine worker's chunk, with the same count.
  expect(logs).toContain(`float64 editor math on ${threads} threads`);

  await page.getByTestId('run-start').click();
  const progress = page.getByTestId('run-progress');
  await expect(progress).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  await expect(progress).toContainText(/edits\/s · ETA/, { timeout: 120_000 });
  // The thread pool exists (ORT keeps the calling thread as one of its threads).
  expect(pthreads.length).toBeGreaterThanOrEqual(1);
  expect(pthreads.length).toBeLessThanOrEqual(threads - 1);
  await expect(progress).toHaveAttribute('data-state', 'finished', { timeout: 540_000 });
  await expect(page.getByTestId('comparison')).toContainText('stableedit');
  expect(errors).toEqual([]);
});

test('threads=1 in the URL runs the CPU backend on one thread, without pthread workers', async ({ page }) => {
  test.setTimeout(240_000);
  const pthreads = watchPthreads(page);
  const errors = await openLab(page, '?backend=wasm&threads=1&nEdits=10&subBatch=5&turns=2&warmupTurns=0&sampleEvery=2&sampleSize=10');
  await expect(page.getByTestId('model-backend')).toContainText('CPU (onnxruntime-web wasm, 1 thread)');
  await expect(page.getByTestId('wasm-threads')).toHaveValue('1');
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-progress')).toHaveAttribute('data-state', 'finished', { timeout: 180_000 });
  expect(pthreads).toEqual([]);
  expect(errors).toEqual([]);
});
