/**
 * metrics.csv: one row per turn (warm-up included, in step order), turn-level columns first, then one
 * column per (module, diagnostic) named `${module}/${diagnostic}`, then the immediate protocol's
 * scores `immediate/${metric}/token_acc|exact_match` when any turn has them. Empty cell = not measured.
 */
import { METRIC_KINDS } from '../../engine/eval/evaluate';
import type { ModuleDiagnostics } from '../../engine/editors/editor';
import type { TurnRecord } from '../../engine/run/events';
import { toCsv, type CsvCell } from './csv';
import { modulesOf } from './series';

const TURN_COLUMNS: [string, (t: TurnRecord) => CsvCell][] = [
  ['step', (t) => t.step],
  ['kind', (t) => t.kind],
  ['turn', (t) => t.turn],
  ['edits', (t) => t.edits],
  ['wall_ms', (t) => t.wallMs],
  ['loss', (t) => t.loss],
  ['tokenize_ms', (t) => t.timings.tokenize],
  ['capture_ms', (t) => t.timings.capture],
  ['editor_ms', (t) => t.timings.editor],
  ['apply_ms', (t) => t.timings.apply],
  ['evaluate_ms', (t) => t.timings.evaluate],
  ['total_ms', (t) => t.timings.total],
];

const MODULE_COLUMNS: [string, (d: ModuleDiagnostics) => CsvCell][] = [
  ['rows', (d) => d.rows],
  ['delta_norm', (d) => d.deltaNorm],
  ['cosine_prev', (d) => d.cosinePrev],
  ['sigma', (d) => d.sigma],
  ['lambda_max', (d) => d.lambdaMax],
  ['condition_number', (d) => d.conditionNumber],
  ['mean_drift', (d) => d.meanDrift],
  ['cov_drift', (d) => d.covDrift],
  ['solve', (d) => d.solve],
  ['stats_ms', (d) => d.timeMs.stats],
  ['whitening_ms', (d) => d.timeMs.whitening],
  ['solve_ms', (d) => d.timeMs.solve],
];

export function metricsCsv(turns: readonly TurnRecord[]): string {
  const modules = modulesOf(turns);
  const kinds = METRIC_KINDS.filter((k) => turns.some((t) => t.immediate?.metrics[k]));
  const header = [
    ...TURN_COLUMNS.map(([name]) => name),
    ...modules.flatMap((m) => MODULE_COLUMNS.map(([name]) => `${m}/${name}`)),
    ...kinds.flatMap((k) => [`immediate/${k}/token_acc`, `immediate/${k}/exact_match`]),
  ];
  const rows = turns.map((t) => {
    const byModule = new Map(t.diagnostics.modules.map((d) => [d.module, d]));
    return [
      ...TURN_COLUMNS.map(([, get]) => get(t)),
      ...modules.flatMap((m) => {
        const d = byModule.get(m);
        return MODULE_COLUMNS.map(([, get]) => (d ? get(d) : null));
      }),
      ...kinds.flatMap((k) => {
        const s = t.immediate?.metrics[k];
        return [s?.tokenAccuracy, s?.exactMatch];
      }),
    ];
  });
  return toCsv(header, rows);
}
