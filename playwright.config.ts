/**
 * Browser tests: Chromium headless with WebGPU. The lab's specs drive the built site (`vite build`
 * served by `vite preview`), which is what users get; the chart specs (`*.built.spec.ts`) drive a
 * production build of their test page (vite.e2e.config.ts), since they time renders; the kernel and
 * runtime harness specs (`*.harness.spec.ts`) load test pages under e2e/pages/ from the dev server.
 * On machines without a GPU WebGPU comes from SwiftShader (Vulkan on the CPU); it needs only
 * --enable-unsafe-webgpu and a secure context, which http://localhost is.
 */
import { existsSync } from 'node:fs';
import { chromiumArgs, findChromium } from './e2e/chromium';
import { createRequire } from 'node:module';
import { defineConfig } from '@playwright/test';

// E2E_PORT lets two checkouts run their browser tests side by side on one machine.
const PORT = Number(process.env.E2E_PORT ?? 5183);
const DEV_PORT = PORT + 100;
const PAGES_PORT = PORT + 200;

function playwrightHasOwnChromium(): boolean {
  try {
    // Resolved lazily: playwright-core throws when its browser is not downloaded.
    const { chromium } = createRequire(import.meta.url)('playwright-core') as typeof import('playwright-core');
    return existsSync(chromium.executablePath());
  } catch {
    return false;
  }
}

const executablePath = findChromium();
if (!executablePath && !playwrightHasOwnChromium()) {
  throw new Error(
    'No Chromium found for the browser tests. Install one:\n' +
      '  Debian/Ubuntu: sudo apt-get install chromium   (gives /usr/bin/chromium)\n' +
      '  or: npx playwright install chromium\n' +
      '  or: set CHROME_PATH=/path/to/chrome (a WebGPU-capable Chrome/Chromium 113+).',
  );
}

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: 'list',
  projects: [
    { name: 'site', testIgnore: ['**/*.harness.spec.ts', '**/*.built.spec.ts'], use: { baseURL: `http://localhost:${PORT}` } },
    {
      name: 'pages',
      testMatch: '**/*.built.spec.ts',
      use: {
        baseURL: `http://localhost:${PAGES_PORT}`,
        // Rasterize and composite in the GPU process (SwiftShader's GL where there is no GPU), as Chrome
        // does on a user's machine; without it headless Chromium paints on the page's main thread, which
        // quintupled the main-thread CPU of the chart-stream check (4.3 s against 0.85 s).
        launchOptions: { executablePath, args: [...chromiumArgs(), '--use-angle=swiftshader'] },
      },
    },
    { name: 'harness', testMatch: '**/*.harness.spec.ts', use: { baseURL: `http://localhost:${DEV_PORT}` } },
  ],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath,
      args: chromiumArgs(),
    },
  },
  webServer: [
    {
      command: `npx vite build --logLevel warn && npx vite preview --port ${PORT} --strictPort`,
      url: `http://localhost:${PORT}/`,
      reuseExistingServer: false,
      timeout: 180_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `npx vite build -c vite.e2e.config.ts --logLevel warn && npx vite preview -c vite.e2e.config.ts --port ${PAGES_PORT} --strictPort`,
      url: `http://localhost:${PAGES_PORT}/e2e/pages/chart-stream.html`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `npx vite --port ${DEV_PORT} --strictPort --clearScreen false`,
      url: `http://localhost:${DEV_PORT}/`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
