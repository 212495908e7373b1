/** The app page starts its worker, the worker reports its WebGPU device, the panel shows it. */
import { expect, test } from '@playwright/test';

test('device panel shows the adapter, features and limits the worker reported', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const response = await page.goto('/');
  expect(response?.headers()['cross-origin-opener-policy']).toBe('same-origin');
  expect(response?.headers()['cross-origin-embedder-policy']).toBe('require-corp');

  const panel = page.getByTestId('device-panel');
  await expect(panel).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
  await expect(panel).toContainText('protocol v1');
  await expect(panel).toContainText('cross-origin isolated: yes');
  await expect(page.getByTestId('adapter')).not.toBeEmpty();
  const limits = page.getByTestId('limits');
  await expect(limits).toContainText('maxStorageBufferBindingSize');
  await expect(limits).toContainText('maxComputeWorkgroupStorageSize');
  // The device must have been given the adapter's limit, not the 128 MiB default.
  const adapterMax = await page.evaluate(async () => (await navigator.gpu.requestAdapter())!.limits.maxStorageBufferBindingSize);
  const shown = await limits.locator('tr', { hasText: 'maxStorageBufferBindingSize' }).locator('td').textContent();
  const units: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };
  const [num, unit] = shown!.trim().split(' ');
  expect(Number(num.replace(/,/g, '')) * units[unit]).toBe(adapterMax);
  await expect(page.getByTestId('features')).toContainText('subgroups');
  expect(errors).toEqual([]);
});

test('without WebGPU the panel explains the CPU fallback', async ({ page }) => {
  // Hide navigator.gpu from the page and its worker (workers/engine.worker.ts in dev, assets/engine.worker-<hash>.js built).
  await page.addInitScript(() => {
    Object.defineProperty(Object.getPrototypeOf(navigator), 'gpu', { get: () => undefined, configurable: true });
  });
  await page.route(/engine\.worker[^/]*\.(ts|js)(\?.*)?$/, async (route) => {
    const res = await route.fetch();
    const body = `Object.defineProperty(Object.getPrototypeOf(navigator), 'gpu', { get: () => undefined, configurable: true });\n${await res.text()}`;
    await route.fulfill({ response: res, body });
  });
  await page.goto('/');
  const panel = page.getByTestId('device-panel');
  await expect(panel).toHaveAttribute('data-status', 'unavailable', { timeout: 30_000 });
  await expect(page.getByTestId('webgpu-unavailable')).toContainText('WebGPU is not available');
  await expect(page.getByTestId('webgpu-unavailable')).toContainText('WebAssembly');
});
