/**
 * --data as a stream (docs/design.md §2, "records streamed"): a JSON Lines or JSON array file is
 * indexed, not loaded — the run reads each turn's, chunk's or sample's records again from the file by
 * byte range (engine/data/indexed-records.ts). The same records as loadRecordsFlag, the same warnings
 * and stops.
 */
import { indexRecords, type IndexedRecords } from '../engine/data/indexed-records';
import { nodeFile } from '../engine/io/node-files';
import { recordFitCheck } from '../engine/run/record-fit';
import type { LoadedModel } from '../engine/model/load';
import type { HeldWeights } from '../engine/model/spec';
import { InputError } from '../engine/types';
import { str, UsageError, type Flags } from './args';

/**
 * A run streams a data file when it is JSON Lines or a JSON array, unless --in-memory asks for the
 * records to be read whole (e.g. a file that may change while the run goes on).
 */
export function streamsData(path: string, flags: Flags): boolean {
  return /\.(jsonl|ndjson|json)$/i.test(path) && flags['in-memory'] !== true;
}

export async function indexRecordsFlag(flags: Flags, flag: string, model: LoadedModel<HeldWeights>): Promise<IndexedRecords> {
  const path = str(flags, flag);
  const onInvalid = str(flags, 'on-invalid', 'stop');
  if (onInvalid !== 'skip' && onInvalid !== 'stop') throw new UsageError('--on-invalid must be skip or stop');
  const check = recordFitCheck(model.tokenizer, model.spec.maxPositions);
  const indexed = await indexRecords(nodeFile(path), { onInvalid, check });
  const { report } = indexed;
  if (report.skipped > 0) {
    const first = report.issues.find((i) => i.outcome === 'skipped');
    const example = first ? ` (first: record ${first.index}, line ${first.line}, field ${first.field}: ${first.problem})` : '';
    process.stderr.write(`warning: ${path}: skipped ${report.skipped} invalid records${example}\n`);
  }
  if (indexed.valid.length === 0) throw new InputError(path, 'has no valid records');
  return indexed;
}
