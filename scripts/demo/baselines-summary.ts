/**
 * docs/baselines.md's rows: run-summary.ts's final metrics, max ‖ΔW‖ and mean |cos|, plus how the
 * update norms move along the stream — mean ‖ΔW‖_F over the first and the last five target turns
 * (all modules) — so a steady growth (the paper's observation on AlphaEdit) shows.
 *   npx tsx scripts/demo/baselines-summary.ts runs/a runs/b …
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TurnRecord } from '../../src/engine/run/events';
import { summarizeRun } from './run-summary';

export function normGrowth(dir: string, window = 5): { first: number; last: number } {
  const turns = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as TurnRecord)
    .filter((t) => t.kind === 'target');
  const meanNorm = (ts: TurnRecord[]) => {
    const norms = ts.flatMap((t) => t.diagnostics.modules.map((m) => m.deltaNorm).filter((n): n is number => n !== null));
    return norms.reduce((s, n) => s + n, 0) / norms.length;
  };
  return { first: meanNorm(turns.slice(0, window)), last: meanNorm(turns.slice(-window)) };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const fmt = (x: number) => (x >= 0.01 ? x.toFixed(3) : x.toExponential(1));

if (process.argv[1]?.endsWith('baselines-summary.ts')) {
  console.log('| run | edits | Eff. | Gen. | Spe. | max ‖ΔW‖ | mean ‖ΔW‖ turns 1–5 | mean ‖ΔW‖ last 5 turns | mean \\|cos\\| adjacent |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const dir of process.argv.slice(2)) {
    const s = summarizeRun(dir);
    const g = normGrowth(dir);
    console.log(
      `| ${dir} | ${s.edits} | ${pct(s.efficacy)} | ${pct(s.generalization)} | ${pct(s.specificity)} | ${fmt(s.maxDeltaNorm)} | ${fmt(g.first)} | ${fmt(g.last)} | ${s.meanAbsCos.toFixed(3)} |`,
    );
  }
}
