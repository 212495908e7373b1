/**
 * `npm run bench:scale`: the paper's ultra-large streams on the demo model (issue 28). For each size, a
 * seeded synthetic stream from the demo world (scripts/demo/ultra-stream.ts) is written as JSON Lines
 * and run through the CLI as a child process (streamed: records read again from the file, per-record
 * scores to disk), under benchmarks/node/memory-sampler.mjs. Reports edits/s, peak RSS and heap, the
 * pre-edit, turns and final-evaluation times per size, and the load average. Not part of npm test.
 *
 *   npm run bench:scale [-- --sizes 100000,500000,2000000] [--layout ultraeditbench|wikibigedit]
 *       [--work DIR] [--out benchmarks/results] [--fresh]
 *
 * A size whose run was killed resumes from its checkpoint when the bench is run again (same --work);
 * one that finished is read back, not run again, unless --fresh. Its peak memory is the largest of
 * its processes'.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { list, parseFlags, str, type FlagTable } from '../../src/cli/args';
import { writeUltraStream } from '../../scripts/demo/ultra-stream-file';
import { ULTRA_LAYOUTS, type UltraLayout } from '../../scripts/demo/ultra-stream';
import { machineNote } from './machine';

const FLAGS = {
  sizes: { kind: 'list' },
  layout: { kind: 'string', choices: ULTRA_LAYOUTS },
  work: { kind: 'string' },
  out: { kind: 'string' },
  fresh: { kind: 'bool' },
} satisfies FlagTable;

const MODULES = 'model.layers.2.mlp.down_proj,model.layers.3.mlp.down_proj';

interface Row {
  edits: number;
  layout: UltraLayout;
  exit: number | null;
  preEditSeconds: number;
  turnsSeconds: number;
  finalEvalSeconds: number;
  totalSeconds: number;
  turnEditsPerSecond: number;
  editsPerSecond: number;
  peakRssMB: number;
  peakHeapMB: number;
  load: string;
  command: string;
}

function runCli(args: string[], memDir: string): Promise<number | null> {
  const env = { ...process.env, MEMORY_SAMPLE_OUT: join(memDir, `mem-${Date.now()}.json`) };
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', './benchmarks/node/memory-sampler.mjs', 'bin/stableedit-lab.mjs', ...args], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', fail);
    child.on('close', (code) => done(code));
  });
}

async function one(edits: number, layout: UltraLayout, work: string, fresh: boolean): Promise<Row> {
  const data = join(work, `${layout}-${edits}.jsonl`);
  const out = join(work, `run-${layout}-${edits}`);
  if (fresh) rmSync(out, { recursive: true, force: true });
  if (!existsSync(data)) {
    process.stderr.write(`writing ${data}\n`);
    writeUltraStream(data, { edits, layout, seed: 1 });
  }
  const args = ['run', '--model', 'public/demo/model', '--data', data, '--editor', 'stableedit', '--modules', MODULES];
  args.push('--n-edits', '100', '--sub-batch', '10', '--lr', '1e-3', '--ridge', '10', '--out', out);
  const loadBefore = loadavg();
  let exit: number | null = 0;
  if (!existsSync(join(out, 'report.json'))) {
    mkdirSync(out, { recursive: true });
    process.stderr.write(`bench:scale: ${edits} edits (${layout})\n`);
    exit = await runCli(args, out);
  }
  const loadAfter = loadavg();
  const mem = readdirSync(out)
    .filter((n) => /^mem-\d+\.json$/.test(n))
    .map((n) => JSON.parse(readFileSync(join(out, n), 'utf8')) as { rssBytes: number; heapUsedBytes: number });
  const report = exit === 0 && existsSync(join(out, 'report.json')) ? JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) : null;
  const metricsPath = join(out, 'metrics.jsonl');
  const turns = existsSync(metricsPath) ? readFileSync(metricsPath, 'utf8').trim().split('\n').filter(Boolean) : [];
  const first = turns.length ? JSON.parse(turns[0]) : null;
  const last = turns.length ? JSON.parse(turns.at(-1)!) : null;
  const preEdit = first ? (first.wallMs - first.timings.total) / 1000 : NaN;
  const throughTurns = last ? last.wallMs / 1000 : NaN;
  const total = report ? report.seconds : NaN;
  return {
    edits,
    layout,
    exit,
    preEditSeconds: preEdit,
    turnsSeconds: throughTurns - preEdit,
    finalEvalSeconds: total - throughTurns,
    totalSeconds: total,
    turnEditsPerSecond: edits / (throughTurns - preEdit),
    editsPerSecond: report ? report.editsPerSecond : NaN,
    peakRssMB: mem.length ? Math.max(...mem.map((m) => m.rssBytes)) / 2 ** 20 : NaN,
    peakHeapMB: mem.length ? Math.max(...mem.map((m) => m.heapUsedBytes)) / 2 ** 20 : NaN,
    load: `${loadBefore.map((x) => x.toFixed(1)).join(' ')} → ${loadAfter.map((x) => x.toFixed(1)).join(' ')}`,
    command: `node bin/stableedit-lab.mjs ${args.join(' ')}`,
  };
}

function table(rows: Row[]): string {
  const head =
    '| edits | layout | pre-edit eval | turns | turn edits/s | final eval | total | edits/s (all) | peak RSS | peak heap | load (1/5/15 min, start → end) |';
  const sep =
    '| ' +
    head
      .slice(2, -2)
      .split(' | ')
      .map(() => '---')
      .join(' | ') +
    ' |';
  const s = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0)} s` : '—');
  const body = rows.map(
    (r) =>
      `| ${r.edits.toLocaleString('en')} | ${r.layout} | ${s(r.preEditSeconds)} | ${s(r.turnsSeconds)} | ${r.turnEditsPerSecond.toFixed(0)} | ${s(r.finalEvalSeconds)} | ${s(r.totalSeconds)} | ${Number.isFinite(r.editsPerSecond) ? r.editsPerSecond.toFixed(0) : '—'} | ${r.peakRssMB.toFixed(0)} MiB | ${r.peakHeapMB.toFixed(0)} MiB | ${r.load} |`,
  );
  return [head, sep, ...body].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, FLAGS);
  const sizes = (flags.sizes === undefined ? ['100000', '500000', '2000000'] : list(flags, 'sizes')).map(Number);
  const bad = sizes.find((n) => !(Number.isInteger(n) && n >= 100));
  if (bad !== undefined) {
    process.stderr.write(`bench:scale: --sizes takes whole numbers ≥ 100 (got ${bad})\n`);
    return 2;
  }
  const layout = str(flags, 'layout', 'ultraeditbench') as UltraLayout;
  const work = resolve(str(flags, 'work', join(tmpdir(), 'stableedit-bench-scale')));
  const outDir = str(flags, 'out', 'benchmarks/results');
  mkdirSync(work, { recursive: true });
  mkdirSync(outDir, { recursive: true });
  const rows: Row[] = [];
  for (const n of sizes) {
    const row = await one(n, layout, work, flags.fresh === true);
    rows.push(row);
    process.stderr.write(`${table([row])}\n`);
    if (row.exit !== 0) break;
  }
  const machine = machineNote();
  writeFileSync(join(outDir, 'scale.json'), JSON.stringify({ machine, rows }, null, 2) + '\n');
  writeFileSync(join(outDir, 'scale.md'), `${machine}\n\n${table(rows)}\n\n${rows.map((r) => `    ${r.command}`).join('\n')}\n`);
  process.stdout.write(`${table(rows)}\n`);
  return rows.every((r) => r.exit === 0) ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
