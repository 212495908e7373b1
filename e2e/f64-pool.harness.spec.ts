/**
 * The float64 editor math's browser pool (Web Workers over SharedArrayBuffer, started from a worker
 * as the engine worker starts it): bit-identical to one thread at 2 and 3 threads, every split task
 * used; the page is cross-origin isolated, so the default pool takes every core. ~7 s.
 */
import { expect, test } from '@playwright/test';
import type { PoolCheck } from './pages/f64-pool.worker';

test('float64 pool in the browser: same bits as one thread at 2 and 3 threads', async ({ page }) => {
  page.on('console', (m) => m.type() === 'error' && console.log(`[page] ${m.text()}`));
  await page.goto('/e2e/pages/f64-pool.html');
  await page.waitForFunction(() => 'f64PoolChecks' in window);
  const host = await page.evaluate(() => ({ isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency }));
  expect(host.isolated).toBe(true);
  const results: PoolCheck[] = await page.evaluate(() => window.f64PoolChecks());
  expect(results.map((r) => r.threads)).toEqual([2, 3]);
  for (const r of results) {
    expect(r.sameEigh, `${r.threads} threads: eigh and Σ^-1/2`).toBe(true);
    expect(r.sameMatmul, `${r.threads} threads: matmul`).toBe(true);
    expect(r.tasks).toEqual(['basis', 'invsqrt', 'matmul', 'rotations']);
    expect(r.defaultThreads).toBe(Math.min(host.cores, 8));
  }
});
