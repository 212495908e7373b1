/**
 * The per-turn curves behind docs/demo.md, from the runs scripts/demo/measure.sh writes: for each run,
 * every target turn's ‖ΔW‖_F and cos with the previous update per module (metrics.jsonl), and the
 * sampled efficacy / generalization / specificity the CLI reports on stderr (DIR.log) every
 * --sample-every turns, plus the final scores (report.json).
 *   npx tsx scripts/demo/curves.ts OUT.json runs/demo-table/stableedit-warmup …
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { RunReport, TurnRecord } from '../../src/engine/run/events';

interface Curve {
  run: string;
  turns: { edits: number; module: string; deltaNorm: number | null; cosinePrev: number | null }[];
  samples: { protocol: string; edits: number; efficacy: number; generalization: number; specificity: number }[];
}

const SAMPLE = /^(pre-edit|sample|final) metrics after (\d+) edits: efficacy ([\d.]+)%, generalization ([\d.]+)%, specificity ([\d.]+)%/;

function curve(dir: string): Curve {
  const run = basename(dir.replace(/\/$/, ''));
  const turns = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as TurnRecord)
    .filter((t) => t.kind === 'target')
    .flatMap((t) =>
      t.diagnostics.modules.map((m) => ({ edits: t.edits, module: m.module, deltaNorm: m.deltaNorm, cosinePrev: m.cosinePrev })),
    );
  const samples = readFileSync(`${dir.replace(/\/$/, '')}.log`, 'utf8')
    .split('\n')
    .map((l) => SAMPLE.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ protocol: m[1], edits: +m[2], efficacy: +m[3] / 100, generalization: +m[4] / 100, specificity: +m[5] / 100 }));
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as RunReport;
  if (!samples.some((s) => s.protocol === 'final'))
    samples.push({
      protocol: 'final',
      edits: report.targetEdits,
      efficacy: report.final.metrics.efficacy?.tokenAccuracy ?? NaN,
      generalization: report.final.metrics.generalization?.tokenAccuracy ?? NaN,
      specificity: report.final.metrics.specificity?.tokenAccuracy ?? NaN,
    });
  return { run, turns, samples };
}

const [out, ...dirs] = process.argv.slice(2);
if (!out || dirs.length === 0) {
  console.error('usage: npx tsx scripts/demo/curves.ts OUT.json RUN_DIR…');
  process.exitCode = 2;
} else {
  writeFileSync(out, JSON.stringify(dirs.map(curve)) + '\n');
  console.error(`wrote ${out} (${dirs.length} runs)`);
}
