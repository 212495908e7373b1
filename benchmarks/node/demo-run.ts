/**
 * `npm run bench:demo [-- --threads 1,auto] [--reps 2] [--port 4190] [--out DIR]`: the demo's default
 * run as a newcomer starts it, on the built site (`vite build`, served by `vite preview`, what users
 * get), in headless Chromium — once per thread setting (`auto` is the page's default: every core, up
 * to a cap), the settings alternating rep by rep so a change of machine load falls on both. Times
 * from pressing Start to the run's "finished"; the load average before and after each run is noted
 * (timings on a shared machine are only comparable side by side). Saves DIR/demo-run.{json,md}.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { build, preview } from 'vite';
import { chromiumArgs, findChromium } from '../../e2e/chromium';
import { flag } from './flag';
import { machineNote } from './machine';

const arg = (name: string, fallback: string) => flag(process.argv, name, fallback);

interface DemoRun {
  threads: string;
  rep: number;
  backend: string;
  seconds: number;
  loadBefore: number;
  loadAfter: number;
}

/** One default run in a fresh page: the backend line as shown, and seconds from Start to finished. */
async function timeDefaultRun(page: Page, base: string, threads: string, timeoutMs: number) {
  await page.goto(threads === 'auto' ? base : `${base}?threads=${threads}`);
  await page.locator('[data-testid=model-panel][data-status=loaded]').waitFor({ timeout: 180_000 });
  await page.waitForFunction(() => !(document.querySelector('[data-testid=run-start]') as HTMLButtonElement | null)?.disabled, null, {
    timeout: 180_000,
  });
  const backend = (await page.getByTestId('model-backend').textContent())!.split(')')[0] + ')';
  const t0 = performance.now();
  await page.getByTestId('run-start').click();
  await page.locator('[data-testid=run-progress][data-state=finished]').waitFor({ timeout: timeoutMs });
  return { backend, seconds: (performance.now() - t0) / 1000 };
}

async function main() {
  const settings = arg('threads', '1,auto').split(',');
  const reps = Number(arg('reps', '2'));
  const port = Number(arg('port', '4190'));
  const out = arg('out', 'benchmarks/results');
  const timeoutMs = Number(arg('timeout', '900')) * 1000;
  await build({ logLevel: 'warn' });
  const server = await preview({ preview: { port, strictPort: true, host: 'localhost' }, logLevel: 'warn' });
  const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: chromiumArgs() });
  const runs: DemoRun[] = [];
  try {
    for (let rep = 1; rep <= reps; rep++) {
      for (const threads of settings) {
        const context = await browser.newContext();
        const page = await context.newPage();
        const loadBefore = loadavg()[0];
        const r = await timeDefaultRun(page, `http://localhost:${port}/`, threads, timeoutMs);
        runs.push({ threads, rep, ...r, loadBefore, loadAfter: loadavg()[0] });
        console.error(
          `rep ${rep}, threads ${threads}: ${r.seconds.toFixed(1)} s (${r.backend}; load ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)})`,
        );
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await new Promise<void>((done) => server.httpServer.close(() => done()));
  }
  const machine = machineNote(`Chromium ${browser.version()}`);
  const md = [
    machine,
    '',
    'The demo\'s default run (25 statistics-only warm-up turns, then 25 turns of 20 edits, sampled and final evaluation) on the built site, from Start to "finished".',
    '',
    '| rep | threads setting | backend shown | run s | load avg before → after |',
    '|---|---|---|---|---|',
    ...runs.map(
      (r) =>
        `| ${r.rep} | ${r.threads} | ${r.backend} | ${r.seconds.toFixed(1)} | ${r.loadBefore.toFixed(1)} → ${r.loadAfter.toFixed(1)} |`,
    ),
    '',
  ].join('\n');
  console.log(md);
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'demo-run.json'), JSON.stringify({ machine, runs }, null, 2));
  await writeFile(join(out, 'demo-run.md'), md);
}

void main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
