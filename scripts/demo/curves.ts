/**
 * The per-turn curves behind docs/demo.md, from the runs scripts/demo/measure.sh writes: for each run,
 * every target turn's ‖ΔW‖_F and cos with the previous update per module (metrics.jsonl), and the
 * pre-edit, sampled (every --sample-every turns) and final efficacy / generalization / specificity
 * (evaluations.jsonl).
 *   npx tsx scripts/demo/curves.ts OUT.json runs/demo-table/stableedit-warmup …
 */
import { writeFileSync } from 'node:fs';
import { runFileOf } from './run-file-of';

interface Curve {
  run: string;
  turns: { edits: number; module: string; deltaNorm: number | null; cosinePrev: number | null }[];
  samples: { protocol: string; edits: number; efficacy: number; generalization: number; specificity: number }[];
}

function curve(dir: string): Curve {
  const { label: run, turns, metrics } = runFileOf(dir);
  return {
    run,
    turns: turns
      .filter((t) => t.kind === 'target')
      .flatMap((t) =>
        t.diagnostics.modules.map((m) => ({ edits: t.edits, module: m.module, deltaNorm: m.deltaNorm, cosinePrev: m.cosinePrev })),
      ),
    samples: metrics
      .filter((m) => m.protocol !== 'immediate')
      .map((m) => ({
        protocol: m.protocol,
        edits: m.edits,
        efficacy: m.metrics.efficacy?.tokenAccuracy ?? NaN,
        generalization: m.metrics.generalization?.tokenAccuracy ?? NaN,
        specificity: m.metrics.specificity?.tokenAccuracy ?? NaN,
      })),
  };
}

const [out, ...dirs] = process.argv.slice(2);
if (!out || dirs.length === 0) {
  console.error('usage: npx tsx scripts/demo/curves.ts OUT.json RUN_DIR…');
  process.exitCode = 2;
} else {
  writeFileSync(out, JSON.stringify(dirs.map(curve)) + '\n');
  console.error(`wrote ${out} (${dirs.length} runs)`);
}
