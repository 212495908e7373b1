/**
 * Browser tests: Chromium headless with WebGPU against a Vite dev server on a fixed port.
 * On machines without a GPU WebGPU comes from SwiftShader (Vulkan on the CPU); it needs only
 * --enable-unsafe-webgpu and a secure context, which http://localhost is.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { defineConfig } from '@playwright/test';

const PORT = 5183;

/** CHROME_PATH, else Debian's /usr/bin/chromium, else Playwright's own download (undefined). */
function findChromium(): string | undefined {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROME_PATH=${fromEnv} does not exist. Point it at a Chrome/Chromium binary or unset it.`);
    return fromEnv;
  }
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) if (existsSync(p)) return p;
  return undefined;
}

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
      args: [
        '--enable-unsafe-webgpu',
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        ...(process.env.CHROME_EXTRA_ARGS?.split(/\s+/).filter(Boolean) ?? []),
      ],
    },
  },
  webServer: {
    // --bypass-lock: a developer's own `npm start` on 5173 must not stop the test server on 5183.
    command: `npx vite --port ${PORT} --strictPort --clearScreen false --bypass-lock`,
    url: `http://localhost:${PORT}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
