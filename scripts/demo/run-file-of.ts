/**
 * A CLI run directory as the run file the page's "Import a saved run" reads: metrics.jsonl's turn
 * lines, evaluations.jsonl's evaluations and report.json, labelled with the directory's name.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { RUN_FILE_FORMAT, RUN_FILE_VERSION, type RunFile } from '../../src/ui/runs/run-file';
import type { MetricsRecord, RunReport, TurnRecord } from '../../src/engine/run/events';

export function runFileOf(dir: string): RunFile {
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as RunReport & { config?: unknown };
  const lines = (file: string) =>
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l));
  const turns = lines('metrics.jsonl') as TurnRecord[];
  const metrics = lines('evaluations.jsonl') as MetricsRecord[];
  return {
    format: RUN_FILE_FORMAT,
    formatVersion: RUN_FILE_VERSION,
    id: `cli-${basename(dir)}`,
    label: basename(dir),
    config: report.config ?? null,
    status: 'finished',
    createdAt: 0,
    turns,
    metrics,
    report,
    warnings: [],
  };
}
