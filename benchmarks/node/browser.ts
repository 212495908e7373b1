/**
 * `npm run bench:browser [-- --profile tiny] [--backends webgpu,wasm:1,wasm] [--out DIR]`: serves the repo
 * with Vite, opens /benchmarks/pages/profile.html in headless Chromium (CHROME_PATH or /usr/bin/chromium, WebGPU
 * enabled, the flags of playwright.config.ts), waits for the table and saves it as
 * DIR/browser-<profile>.json and .md. On a machine with a real GPU, pass a larger profile.
 * `--whitening 256,768,1024` instead runs /benchmarks/pages/whitening.html (the GPU whitening against the float64
 * one, benchmarks/pages/whitening.ts) and saves DIR/browser-whitening.json and .md.
 * `--cholesky 256,512,1024,2048` runs /benchmarks/pages/cholesky.html (the ridge solve's single-workgroup against
 * its blocked Cholesky, benchmarks/pages/cholesky.ts) and saves DIR/browser-cholesky.json and .md.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { createServer } from 'vite';
import type { ProfileReport } from '../src/run-profile';
import { markdownTable } from '../src/table';
import { whiteningTable, type WhiteningRow } from '../src/whitening-table';
import { choleskyTable, type CholeskyRow } from '../src/cholesky-table';
import type { BenchPageState } from '../pages/page-state';
import { flag } from './flag';
import { machineNote } from './machine';
import { chromiumArgs, findChromium } from '../../e2e/chromium';

const arg = (name: string, fallback: string) => flag(process.argv, name, fallback);

async function main() {
  const profile = arg('profile', 'tiny');
  const backends = arg('backends', 'webgpu,wasm:1,wasm');
  const out = arg('out', 'benchmarks/results');
  const timeoutMs = Number(arg('timeout', '900')) * 1000;
  const port = Number(arg('port', '5193'));
  // 'mpa': a missing file is a 404, not index.html (the model loader probes for a shard index)
  const server = await createServer({ appType: 'mpa', server: { port, strictPort: true, host: 'localhost' }, logLevel: 'warn' });
  await server.listen();
  const browser = await chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: chromiumArgs(),
  });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => console.error(`[page] ${m.text()}`));
    const whitening = arg('whitening', '');
    if (whitening)
      return await saveTablePage<WhiteningRow>(
        page,
        port,
        'whitening',
        `d=${whitening}`,
        whiteningTable,
        out,
        timeoutMs,
        browser.version(),
      );
    const cholesky = arg('cholesky', '');
    if (cholesky)
      return await saveTablePage<CholeskyRow>(page, port, 'cholesky', `n=${cholesky}`, choleskyTable, out, timeoutMs, browser.version());
    await page.goto(`http://localhost:${port}/benchmarks/pages/profile.html?profile=${profile}&backends=${backends}`);
    await benchDone(page, timeoutMs);
    const state = (await page.evaluate(() => (window as unknown as { __bench: unknown }).__bench)) as {
      reports: ProfileReport[];
      error: string | null;
      userAgent: string;
      cores: number;
      crossOriginIsolated: boolean;
    };
    const log = await page.locator('#log').textContent();
    console.error(log);
    if (state.error) throw new Error(`bench page: ${state.error}`);
    const machine = machineNote(
      `Chromium ${browser.version()} (${state.cores} cores seen by the page, ${state.crossOriginIsolated ? '' : 'not '}cross-origin isolated)`,
    );
    const md = [
      machine,
      '',
      ...state.reports.flatMap((r) => [
        `Profile \`${profile}\`, backend ${r.backendLabel}, matmul peak ${r.peakGflops.toFixed(2)} GFLOP/s, machine peak ${r.machinePeak.gflops.toFixed(2)} (${r.machinePeak.backend}) (times in ms per turn)`,
        '',
        markdownTable(r.results),
        '',
      ]),
    ].join('\n');
    console.log(md);
    await mkdir(out, { recursive: true });
    await writeFile(join(out, `browser-${profile}.json`), JSON.stringify({ machine, ...state }, null, 2));
    await writeFile(join(out, `browser-${profile}.md`), md);
  } finally {
    await browser.close();
    await server.close();
  }
}

/** Waits for the bench page's `window.__bench.done`. */
function benchDone(page: Page, timeoutMs: number) {
  return page.waitForFunction(() => (window as unknown as { __bench?: { done: boolean } }).__bench?.done === true, null, {
    timeout: timeoutMs,
    polling: 1000,
  });
}

/** A one-table bench page (/benchmarks/pages/NAME.html?QUERY): waits for it, then prints and saves DIR/browser-NAME.{json,md}. */
async function saveTablePage<Row>(
  page: Page,
  port: number,
  name: 'whitening' | 'cholesky',
  query: string,
  table: (rows: Row[]) => string,
  out: string,
  timeoutMs: number,
  version: string,
) {
  await page.goto(`http://localhost:${port}/benchmarks/pages/${name}.html?${query}`);
  await benchDone(page, timeoutMs);
  const state = (await page.evaluate(() => (window as unknown as { __bench: unknown }).__bench)) as BenchPageState<Row>;
  if (state.error) throw new Error(`${name} bench page: ${state.error}`);
  const machine = machineNote(`Chromium ${version}, WebGPU adapter ${state.adapter}`);
  const md = [machine, '', table(state.rows), ''].join('\n');
  console.log(md);
  await mkdir(out, { recursive: true });
  await writeFile(join(out, `browser-${name}.json`), JSON.stringify({ machine, ...state }, null, 2));
  await writeFile(join(out, `browser-${name}.md`), md);
}

void main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
