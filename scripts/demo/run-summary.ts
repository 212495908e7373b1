/**
 * One table row per `stableedit-lab run --out DIR`: final efficacy / generalization / specificity
 * (report.json) and, over the target turns of metrics.jsonl, the largest ‖ΔW‖_F, the mean |cos|
 * between a module's adjacent updates, and the last full Σ's λmax and λmin (λmin read back from
 * the condition number, which the diagnostics report as λmax / max(λmin, 1e-6): a λmin shown as
 * "≤ 1e-6" means some directions sat on the clamp).
 *   npx tsx scripts/demo/run-summary.ts runs/a runs/b …
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunReport, TurnRecord } from '../../src/engine/run/events';
import { EIGEN_CLAMP } from '../../src/engine/linalg/inverse-sqrt';

export interface RunSummary {
  dir: string;
  editor: string;
  edits: number;
  efficacy: number;
  generalization: number;
  specificity: number;
  maxDeltaNorm: number;
  meanAbsCos: number;
  lambdaMax: number | null;
  /** null when Σ's smallest eigenvalue was at or under the clamp. */
  lambdaMin: number | null;
}

export function summarizeRun(dir: string): RunSummary {
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as RunReport & { config: { editor: string } };
  const turns = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as TurnRecord)
    .filter((t) => t.kind === 'target');
  let maxDeltaNorm = 0;
  let cosSum = 0;
  let cosN = 0;
  let lambdaMax: number | null = null;
  let lambdaMin: number | null = null;
  for (const t of turns)
    for (const m of t.diagnostics.modules) {
      if (m.deltaNorm !== null) maxDeltaNorm = Math.max(maxDeltaNorm, m.deltaNorm);
      if (m.cosinePrev !== null) {
        cosSum += Math.abs(m.cosinePrev);
        cosN++;
      }
      if (m.sigma === 'full' && m.lambdaMax !== null && m.conditionNumber !== null) {
        lambdaMax = m.lambdaMax;
        const lo = m.lambdaMax / m.conditionNumber;
        lambdaMin = lo > EIGEN_CLAMP * (1 + 1e-9) ? lo : null;
      }
    }
  const acc = (k: 'efficacy' | 'generalization' | 'specificity') => report.final.metrics[k]?.tokenAccuracy ?? NaN;
  return {
    dir,
    editor: report.config.editor,
    edits: report.targetEdits,
    efficacy: acc('efficacy'),
    generalization: acc('generalization'),
    specificity: acc('specificity'),
    maxDeltaNorm,
    meanAbsCos: cosN ? cosSum / cosN : NaN,
    lambdaMax,
    lambdaMin,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

export function summaryRow(s: RunSummary): string {
  const lmin = s.lambdaMax === null ? '–' : s.lambdaMin === null ? '≤ 1e-6' : s.lambdaMin.toExponential(1);
  const lmax = s.lambdaMax === null ? '–' : s.lambdaMax.toExponential(1);
  return `| ${s.dir} | ${s.edits} | ${pct(s.efficacy)} | ${pct(s.generalization)} | ${pct(s.specificity)} | ${s.maxDeltaNorm.toFixed(3)} | ${s.meanAbsCos.toFixed(3)} | ${lmax} | ${lmin} |`;
}

if (process.argv[1]?.endsWith('run-summary.ts')) {
  console.log('| run | edits | Eff. | Gen. | Spe. | max ‖ΔW‖ | mean \\|cos\\| adjacent | Σ λmax | Σ λmin |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const dir of process.argv.slice(2)) console.log(summaryRow(summarizeRun(dir)));
}
