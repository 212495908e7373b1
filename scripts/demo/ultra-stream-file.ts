/**
 * Writes a synthetic ultra-large edit stream (./ultra-stream.ts) as JSON Lines, a buffer at a time.
 *   npx tsx scripts/demo/ultra-stream-file.ts --edits 2000000 --layout ultraeditbench|wikibigedit [--seed 1] --out FILE.jsonl
 */
import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { int, parseFlags, requireFlags, str, UsageError, type FlagTable } from '../../src/cli/args';
import { ULTRA_LAYOUTS, ultraStream, type UltraLayout } from './ultra-stream';

const FLAGS = {
  edits: { kind: 'int' },
  layout: { kind: 'string', choices: ULTRA_LAYOUTS },
  seed: { kind: 'int' },
  out: { kind: 'string' },
} satisfies FlagTable;

/** Writes the stream to `out` (through a temporary beside it, renamed when complete); returns its bytes. */
export function writeUltraStream(out: string, opts: { edits: number; layout: UltraLayout; seed: number }): number {
  const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  let bytes = 0;
  try {
    let buf: string[] = [];
    const flush = () => {
      const chunk = Buffer.from(buf.join(''));
      for (let off = 0; off < chunk.length;) off += writeSync(fd, chunk, off);
      bytes += chunk.length;
      buf = [];
    };
    for (const rec of ultraStream(opts)) {
      buf.push(JSON.stringify(rec) + '\n');
      if (buf.length >= 10_000) flush();
    }
    flush();
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, out);
  return bytes;
}

function main(argv: string[]): number {
  const flags = parseFlags(argv, FLAGS);
  requireFlags(flags, ['edits', 'out']);
  const edits = int(flags, 'edits');
  if (edits < 1) throw new UsageError(`--edits must be ≥ 1 (got ${edits})`);
  const layout = str(flags, 'layout', 'ultraeditbench') as UltraLayout;
  const out = str(flags, 'out');
  const bytes = writeUltraStream(out, { edits, layout, seed: int(flags, 'seed', 1) });
  console.log(`${out}  ${edits} ${layout} records, ${(bytes / 2 ** 20).toFixed(1)} MiB`);
  return 0;
}

if (process.argv[1] && process.argv[1].endsWith('ultra-stream-file.ts')) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`ultra-stream-file: ${e.message}`);
      process.exitCode = 2;
    } else {
      console.error(`ultra-stream-file: ${(e as Error).message}`);
      process.exitCode = 1;
    }
  }
}
