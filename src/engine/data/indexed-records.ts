/**
 * A JSON Lines or JSON array dataset read by position without holding its records (docs/design.md
 * §2, "records streamed"): one pass validates every record as `loadDataset` would (the same skips,
 * the same stop, the same container and layout detection), one notes where each record lies in the
 * file (record-spans.ts, two float64 per record); afterwards a range of records is one read of its
 * bytes, parsed and normalized again exactly as the first time. A 2M-record file so costs 16 bytes
 * a record in memory (24 with its order), not the records.
 */
import { InputError, type EditRecord, type FileSource } from '../types';
import type { RecordSource } from '../util/record-source';
import { eachRecord, normalizeOptionsOf, type DatasetOptions, type DatasetReport } from './dataset';
import { jsonArraySpans, jsonLinesSpans, type RecordSpans } from './record-spans';
import { customLayout, layoutById, type Layout } from './layouts';
import { normalizeRecord, type NormalizeOptions } from './normalize';

export interface IndexedRecords {
  report: DatasetReport;
  /** File positions (record indices) of the valid records, in file order. */
  valid: number[];
  /** The records at `order` (file positions, e.g. `valid` shuffled or split), read as needed. */
  source(order: readonly number[]): RecordSource;
}

/**
 * Index a JSON Lines or JSON array dataset. Records are validated with `opts` as loadDataset would
 * validate them (a stop throws InputError naming the record); the ones kept are read again on demand.
 */
export async function indexRecords(file: FileSource, opts: DatasetOptions & { maxIssues?: number } = {}): Promise<IndexedRecords> {
  const valid: number[] = [];
  const report = await eachRecord(file, opts, (r) => valid.push(r.index));
  const container = report.detection?.container;
  if (container === 'csv') throw new InputError(file.name, 'is CSV, which is read in memory, not by position');
  const spans: RecordSpans =
    valid.length === 0
      ? { starts: new Float64Array(0), ends: new Float64Array(0), count: 0 }
      : container === 'json'
        ? await jsonArraySpans(file)
        : await jsonLinesSpans(file);
  if (valid.length && valid.at(-1)! >= spans.count)
    throw new InputError(
      file.name,
      `changed while it was read (record ${valid.at(-1)} is past its ${spans.count} ${container === 'json' ? 'elements' : 'lines'})`,
    );
  const layout: Layout | null = opts.mapping ? customLayout(opts.mapping) : report.detection ? layoutById(report.detection.layout) : null;
  const norm = normalizeOptionsOf(opts);
  return {
    report,
    valid,
    source: (order) => spanSource(file, spans, order, layout, norm, opts.check),
  };
}

function spanSource(
  file: FileSource,
  spans: RecordSpans,
  order: readonly number[],
  layout: Layout | null,
  norm: NormalizeOptions,
  check: DatasetOptions['check'],
): RecordSource {
  const positions = Int32Array.from(order);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const changed = (index: number, why: string) =>
    new InputError(`${file.name}: record ${index}`, `the file changed since the run read it (${why}); run again on the file as it is now`);
  const parse = (index: number, bytes: Uint8Array): EditRecord => {
    let value: unknown;
    try {
      value = JSON.parse(decoder.decode(bytes));
    } catch (e) {
      throw changed(index, (e as Error).message);
    }
    if (!layout) throw changed(index, 'no layout was detected');
    let n = normalizeRecord(value, index, layout, norm);
    if ('record' in n && check) n = check(n.record) ?? n;
    if (!('record' in n)) throw changed(index, `${n.field}: ${n.problem}`);
    return n.record;
  };
  /** The records at file indices `idx`, one read per run of consecutive lines. */
  const read = async (idx: ArrayLike<number>): Promise<EditRecord[]> => {
    const out: EditRecord[] = [];
    for (let k = 0; k < idx.length;) {
      let last = k;
      while (last + 1 < idx.length && idx[last + 1] === idx[last] + 1 && last - k < 4095) last++;
      const base = spans.starts[idx[k]];
      const bytes = await file.read(base, spans.ends[idx[last]]);
      if (bytes.length !== spans.ends[idx[last]] - base) throw changed(idx[last], 'it is shorter');
      for (let j = k; j <= last; j++) out.push(parse(idx[j], bytes.subarray(spans.starts[idx[j]] - base, spans.ends[idx[j]] - base)));
      k = last + 1;
    }
    return out;
  };
  return {
    length: positions.length,
    range: (start, end) => read(positions.subarray(Math.max(0, start), Math.min(end, positions.length))),
    at: (ps) => read(ps.map((p) => positions[p])),
  };
}
