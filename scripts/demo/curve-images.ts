/**
 * Images of the demo's curves drawn by the lab's own charts (docs/demo.md, "Curves"): each CLI run
 * directory becomes a run file the page imports (metrics.jsonl's turns, evaluations.jsonl, report.json), the
 * built site is opened in Chromium, the runs are imported one by one through the page's "Import a
 * saved run" control, and every dashboard chart is saved with its own PNG button.
 *   npx vite build && npx tsx scripts/demo/curve-images.ts OUT_DIR RUN_DIR…
 * `--module NAME` keeps one module's lines in the per-module charts (default: the last edited one).
 * Saved: the charts the demo page shows (CHARTS); files are numbered in dashboard order.
 */
import { mkdirSync, mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { chromium } from '@playwright/test';
import { preview } from 'vite';
import { chromiumArgs, findChromium } from '../../e2e/chromium';
import { runFileOf } from './run-file-of';
import { fileSafe } from '../../src/ui/charts/export-png';

const PORT = Number(process.env.CURVES_PORT ?? 5799);
/** Title prefixes of the charts saved: the curves docs/demo.md shows. */
const CHARTS = ['Efficacy', 'Generalization', 'Specificity', 'Update norm', 'Cosine with previous'];

async function main(argv: string[]) {
  const mi = argv.indexOf('--module');
  const moduleFlag = mi >= 0 ? argv.splice(mi, 2)[1] : undefined;
  const [outDir, ...dirs] = argv;
  if (!outDir || dirs.length === 0) throw new Error('usage: curve-images.ts OUT_DIR RUN_DIR… [--module NAME]');
  if (!existsSync('dist/index.html')) throw new Error('dist/ is missing: run `npx vite build` first (the images come from the built site)');
  const tmp = mkdtempSync(join(tmpdir(), 'curves-'));
  const files = dirs.map((d) => {
    const f = join(tmp, `${basename(d)}.run.json`);
    writeFileSync(f, JSON.stringify(runFileOf(d)));
    return f;
  });
  const module = moduleFlag ?? (runFileOf(dirs[0]).config as { modules?: string[] } | null)?.modules?.at(-1);

  // In this process (as benchmarks/node/demo-run.ts serves the built site): listening once the promise resolves.
  const server = await preview({ preview: { port: PORT, strictPort: true, host: 'localhost' }, logLevel: 'warn' });
  try {
    const browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs() });
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
      await page.goto(`http://localhost:${PORT}/`);
      for (const [i, f] of files.entries()) {
        await page.getByTestId('import-run').setInputFiles(f);
        await page
          .getByRole('button', { name: `Remove run ${basename(dirs[i])}`, exact: true })
          .waitFor({ timeout: 30_000 })
          .catch(async (e) => {
            await page.screenshot({ path: join(tmp, 'import-failed.png') });
            throw new Error(
              `importing ${f} did not list the run (page: ${join(tmp, 'import-failed.png')}): ${(e as Error).message.split('\n')[0]}`,
            );
          });
      }
      const dash = page.getByRole('region', { name: 'Diagnostics dashboard' });
      await dash.getByLabel('x axis').selectOption('edits');
      await dash.getByLabel('eval protocol').selectOption('sample');
      if (module) {
        const labels = dash.getByRole('group', { name: 'Modules' }).locator('label[title]');
        for (let i = 0; i < (await labels.count()); i++) {
          const label = labels.nth(i);
          await label.getByRole('checkbox').setChecked((await label.getAttribute('title')) === module);
        }
      }
      mkdirSync(outDir, { recursive: true });
      const buttons = dash.getByRole('button', { name: 'PNG' });
      const n = await buttons.count();
      for (let i = 0; i < n; i++) {
        const b = buttons.nth(i);
        const title = (await b.getAttribute('title')) ?? '';
        if (!CHARTS.some((c) => title.includes(`“${c}`)) || (await b.isDisabled())) continue;
        const [download] = await Promise.all([page.waitForEvent('download'), b.click()]);
        const path = join(outDir, `${String(i + 1).padStart(2, '0')}-${fileSafe(download.suggestedFilename().replace(/\.png$/, ''))}.png`);
        await download.saveAs(path);
        console.log(path);
      }
    } finally {
      await browser.close();
    }
  } finally {
    await new Promise<void>((done) => server.httpServer.close(() => done()));
  }
}

main(process.argv.slice(2)).catch((e) => {
  console.error(`curve-images: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
