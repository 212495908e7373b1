/**
 * A streamed run's per-record scores on disk (engine/run/events.ts PerRecordSink): one JSON line per
 * record of the pre-edit evaluation (pre-edit-scores.jsonl) and of the final one (final-scores.jsonl),
 * appended chunk by chunk as they are scored — `{"index": 12, "efficacy": {"tokenAccuracy": 1,
 * "exact": true, "predicted": [57], "generated": {"text": "…", "exact": true, "f1": 1}}, …}` per metric
 * the record has. A pass that starts over empties its file first; a final evaluation resumed from its
 * checkpoint first cuts the file back to the records the checkpoint holds, so a killed run's files
 * end as an uninterrupted run's. Complete once report.json is written.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendAll } from '../engine/io/atomic-write';
import { METRIC_KINDS, type Evaluation } from '../engine/eval/evaluate';
import type { PerRecordSink } from '../engine/run/events';
import { InputError, type EditRecord } from '../engine/types';
import { killPoint } from './kill-points';
import { cutToLines } from './line-files';

export const PER_RECORD_FILES = { 'pre-edit': 'pre-edit-scores.jsonl', final: 'final-scores.jsonl' } as const;

export class PerRecordFiles implements PerRecordSink {
  constructor(private readonly out: string) {}

  path(protocol: 'pre-edit' | 'final'): string {
    return join(this.out, PER_RECORD_FILES[protocol]);
  }

  chunk(protocol: 'pre-edit' | 'final', records: readonly EditRecord[], part: Evaluation, done: number): void {
    const path = this.path(protocol);
    if (done === records.length) writeFileSync(path, '');
    appendAll(path, recordLines(records, part));
    killPoint(`appended:${PER_RECORD_FILES[protocol]}`);
  }

  /** Before a final evaluation resumed at record `done`: the file back to its first `done` lines. */
  resumeFinal(done: number): void {
    const path = this.path('final');
    if (!cutToLines(path, done))
      throw new InputError(
        path,
        `holds fewer than the ${done} records the checkpoint's final evaluation has scored: restore the file, or pass --restart to run again`,
      );
  }
}

function recordLines(records: readonly EditRecord[], part: Evaluation): string {
  let text = '';
  for (const r of records) {
    const line: Record<string, unknown> = { index: r.index };
    for (const kind of METRIC_KINDS) {
      // a record with one portability question has only that question's row
      const key = kind === 'portability' && !part.scores.has(`${kind}:${r.index}`) ? `${kind}:${r.index}:0` : `${kind}:${r.index}`;
      const row = part.scores.get(key);
      if (!row) continue;
      const generated = part.generated?.get(key);
      line[kind] = generated ? { ...row, generated } : row;
    }
    text += JSON.stringify(line) + '\n';
  }
  return text;
}
