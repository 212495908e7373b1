/** The benchmark table in Markdown: one row per configuration, per-turn means. */
import type { BenchResult } from './result';

const f = (x: number, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
/** Three significant figures without exponent noise for the small ones. */
const sig = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toPrecision(2));

export const TABLE_COLUMNS = [
  'config',
  'backend',
  'editor',
  'N',
  'turns/s',
  'edits/s',
  'tokenize',
  'capture fwd',
  'capture bwd',
  'stats',
  'whitening',
  'solve',
  'editor other',
  'apply',
  'eval',
  'turn ms',
  'GFLOP/turn',
  'peak GFLOP/s',
  'machine peak',
  'roofline',
  'backend roofline',
  'capture roofline',
  'editor %',
  'dual ms',
  'primal ms',
  'primal/dual',
  'peak heap MB',
  'peak RSS MB',
  'GPU MB',
] as const;

export function tableRow(r: BenchResult): string[] {
  const ms = r.ms;
  return [
    r.label,
    r.backendLabel,
    r.editor,
    f(r.rows),
    sig(r.turnsPerSec),
    sig(r.editsPerSec),
    f(ms.tokenize, 1),
    f(ms.captureFwd),
    f(ms.captureBwd),
    f(ms.stats, 1),
    f(ms.whitening, 1),
    f(ms.solve, 1),
    f(ms.editorOther, 1),
    f(ms.apply, 1),
    f(ms.evaluate),
    f(r.totalMs),
    sig(r.totalFlops / 1e9),
    sig(r.peakGflops),
    `${sig(r.machinePeak.gflops)} (${r.machinePeak.backend})`,
    sig(r.roofline),
    sig(r.backendRoofline),
    sig(r.captureRoofline),
    f(100 * r.editorShare, 1),
    f(r.dual.ms, 1),
    r.dual.primalMs === null ? 'skipped' : f(r.dual.primalMs, 0),
    r.primalOverDual === null ? '—' : sig(r.primalOverDual),
    f(r.memory.peakJsHeapMB),
    r.memory.peakRssMB === null ? '—' : f(r.memory.peakRssMB),
    r.memory.gpuBuffersMB === null ? '—' : f(r.memory.gpuBuffersMB),
  ];
}

export function markdownTable(results: readonly BenchResult[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [`| ${TABLE_COLUMNS.join(' | ')} |`, `|${TABLE_COLUMNS.map(() => '---').join('|')}|`];
  for (const r of results) lines.push(`| ${tableRow(r).map(esc).join(' | ')} |`);
  return lines.join('\n');
}
