/**
 * Which Chromium the browser tests and the browser benchmark launch, and with what flags — one
 * place, so `npm test` and `npm run bench:browser` run the same browser the same way.
 */
import { existsSync } from 'node:fs';

/** CHROME_PATH, else a system Chromium/Chrome; undefined means "Playwright's own, if downloaded". */
export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROME_PATH=${fromEnv} does not exist. Point it at a Chrome/Chromium binary or unset it.`);
    return fromEnv;
  }
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find(existsSync);
}

/**
 * WebGPU on http://localhost needs only --enable-unsafe-webgpu (SwiftShader where there is no GPU);
 * the rest keep Chromium quiet on a closed network and runnable as root.
 */
export function chromiumArgs(): string[] {
  return [
    '--enable-unsafe-webgpu',
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    ...(process.env.CHROME_EXTRA_ARGS?.split(/\s+/).filter(Boolean) ?? []),
  ];
}
