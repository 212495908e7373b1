/**
 * --data as a stream (docs/design.md §2, "records streamed"): a JSON Lines file is indexed, not loaded —
 * the run reads each turn's, chunk's or sample's records again from the file by byte range
 * (engine/data/indexed-jsonl.ts). The same records as loadRecordsFlag, the same warnings and stops.
 */
import { indexJsonl, type IndexedJsonl } from '../engine/data/indexed-jsonl';
import { nodeFile } from '../engine/io/node-files';
import { isLocateEditor } from '../engine/editors/locate/settings';
import { recordFitCheck } from '../engine/run/record-fit';
import type { LoadedModel } from '../engine/model/load';
import type { HeldWeights } from '../engine/model/spec';
import { InputError } from '../engine/types';
import { str, UsageError, type Flags } from './args';

/** A run streams --data when it is JSON Lines and the editor reads records one turn at a time (not MEMIT / AlphaEdit). */
export function streamsData(path: string, editor: string): boolean {
  return /\.(jsonl|ndjson)$/i.test(path) && !isLocateEditor(editor);
}

export async function indexRecordsFlag(flags: Flags, flag: string, model: LoadedModel<HeldWeights>): Promise<IndexedJsonl> {
  const path = str(flags, flag);
  const onInvalid = str(flags, 'on-invalid', 'stop');
  if (onInvalid !== 'skip' && onInvalid !== 'stop') throw new UsageError('--on-invalid must be skip or stop');
  const check = recordFitCheck(model.tokenizer, model.spec.maxPositions);
  const indexed = await indexJsonl(nodeFile(path), { onInvalid, check });
  const { report } = indexed;
  if (report.skipped > 0) {
    const first = report.issues.find((i) => i.outcome === 'skipped');
    const example = first ? ` (first: record ${first.index}, line ${first.line}, field ${first.field}: ${first.problem})` : '';
    process.stderr.write(`warning: ${path}: skipped ${report.skipped} invalid records${example}\n`);
  }
  if (indexed.valid.length === 0) throw new InputError(path, 'has no valid records');
  return indexed;
}
