/**
 * The two dataset slots (the edit stream and the warm-up source): a scan reads a file or URL,
 * reports its layout, records and issues, and keeps where it came from; the records themselves are
 * read once, when a run or an interactive edit first needs them. With a model loaded, a record
 * longer than its positions is a data error naming file, record and field.
 */
import { loadDataset, scanDataset } from '../data/dataset';
import { blobFile, urlFile } from '../io/files.web';
import { recordFitCheck } from '../run/record-fit';
import { InputError, type EditRecord, type FileSource } from '../types';
import type { CommandOf } from '../../protocol/messages';
import type { DataInput, DataSlot } from './lab-types';
import type { LabState } from './lab-state';

export async function scan(lab: LabState, cmd: CommandOf<'data/scan'>): Promise<void> {
  const input = absolute(lab, cmd.input);
  const source = dataSource(lab, input);
  const { layout, mapping, seed } = cmd.options;
  const onInvalid = cmd.options.onInvalid ?? 'skip';
  const report = await scanDataset(source, {
    layout,
    mapping,
    seed,
    onInvalid,
    check: recordCheck(lab),
    previewCount: 8,
    maxIssues: 50,
  });
  lab.slots[cmd.slot] = { input, source, onInvalid, seed, layout, mapping };
  lab.post({ type: 'data/report', replyTo: cmd.id, slot: cmd.slot, report, onInvalid });
}

/** A slot's records, read on first use; an empty or missing slot is an input error. */
export async function slotRecords(lab: LabState, slot: DataSlot): Promise<EditRecord[]> {
  const s = lab.slots[slot];
  if (!s)
    throw new InputError(
      slot === 'edits' ? 'edit stream' : 'warm-up source',
      'no dataset file was given: drop or pick one in the Data panel',
    );
  s.records ??= (
    await loadDataset(s.source, { onInvalid: s.onInvalid, seed: s.seed, layout: s.layout, mapping: s.mapping, check: recordCheck(lab) })
  ).records;
  if (s.records.length === 0) throw new InputError(s.source.name, 'has no valid records');
  return s.records;
}

/** With a model loaded, a record longer than its positions is a data error (file, record, field). */
export function recordCheck(lab: LabState) {
  return lab.model ? recordFitCheck(lab.model.loaded.tokenizer, lab.model.loaded.spec.maxPositions) : undefined;
}

function absolute(lab: LabState, input: DataInput): DataInput {
  return input.kind === 'url' ? { ...input, url: new URL(input.url, lab.platform.siteUrl).href } : input;
}

function dataSource(lab: LabState, input: DataInput): FileSource {
  if (input.kind === 'file') return blobFile(input.file, input.file.name);
  return { ...urlFile(input.url, { fetch: lab.platform.fetch }), name: input.name };
}
