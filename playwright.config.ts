/**
 * Browser tests: Chromium headless with WebGPU against a Vite dev server on a fixed port.
 * On machines without a GPU WebGPU comes from SwiftShader (Vulkan on the CPU); it needs only
 * --enable-unsafe-webgpu and a secure context, which http://localhost is.
 */
import { existsSync } from 'node:fs';
import { chromiumArgs, findChromium } from './e2e/chromium';
import { createRequire } from 'node:module';
import { defineConfig } from '@playwright/test';

// E2E_PORT lets two checkouts run their browser tests side by side on one machine.
const PORT = Number(process.env.E2E_PORT ?? 5183);

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
  reporter: process.env.CI ? 'line' : 'list',
  use: {
    baseURL: `http://localhost:${PORT}`,
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath,
      args: chromiumArgs(),
    },
  },
  webServer: {
    command: `npx vite --port ${PORT} --strictPort --clearScreen false`,
    url: `http://localhost:${PORT}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
