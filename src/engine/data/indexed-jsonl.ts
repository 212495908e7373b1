/**
 * A JSON Lines dataset read by position without holding its records (docs/design.md §2, "records
 * streamed"): one pass notes where each record's line lies in the file (two float64 per record), one
 * pass validates every record as `loadDataset` would (the same skips, the same stop); afterwards a
 * range of records is one read of its bytes, parsed and normalized again exactly as the first time.
 * A 2M-record file so costs 16 bytes a record in memory (24 with its order), not the records.
 */
import { InputError, type EditRecord, type FileSource } from '../types';
import type { RecordSource } from '../util/record-source';
import { eachRecord, normalizeOptionsOf, type DatasetOptions, type DatasetReport } from './dataset';
import { customLayout, layoutById, type Layout } from './layouts';
import { normalizeRecord, type NormalizeOptions } from './normalize';

export interface IndexedJsonl {
  report: DatasetReport;
  /** File positions (record indices) of the valid records, in file order. */
  valid: number[];
  /** The records at `order` (file positions, e.g. `valid` shuffled or split), read as needed. */
  source(order: readonly number[]): RecordSource;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);

/** Byte spans [start, end) of the file's records: its lines that are not blank (as readJsonLines counts them). */
async function recordSpans(file: FileSource): Promise<{ starts: Float64Array; ends: Float64Array; count: number }> {
  let starts = new Float64Array(1024);
  let ends = new Float64Array(1024);
  let count = 0;
  let offset = 0;
  let lineStart = 0;
  let first = -1; // first non-whitespace byte of the line, as an absolute offset
  let firstByte = 0;
  let pending: number[] = []; // bytes of a line that starts with a non-ASCII byte (decoded to tell blank from not)
  const decoder = new TextDecoder('utf-8');
  const push = (s: number, e: number) => {
    if (count === starts.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      starts = grow(starts);
      ends = grow(ends);
    }
    starts[count] = s;
    ends[count] = e;
    count++;
  };
  const endLine = (end: number) => {
    let blank = first < 0;
    if (!blank && firstByte >= 0x80) blank = !decoder.decode(Uint8Array.from(pending)).trim();
    if (!blank) push(lineStart, end);
    first = -1;
    pending = [];
  };
  let bomChecked = false;
  for await (const chunk of file.stream()) {
    let i = 0;
    if (!bomChecked) {
      bomChecked = true;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
        i = 3;
        lineStart = 3;
      }
    }
    for (; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === 0x0a) {
        endLine(offset + i);
        lineStart = offset + i + 1;
        continue;
      }
      if (first < 0 && !WS.has(b)) {
        first = offset + i;
        firstByte = b;
      }
      // A line led by a non-ASCII byte may be blank to trim() (U+00A0, U+FEFF…): keep a few bytes to decide.
      if (first >= 0 && firstByte >= 0x80 && pending.length < 64) pending.push(b);
    }
    offset += chunk.length;
  }
  if (offset > lineStart) endLine(offset);
  return { starts, ends, count };
}

/**
 * Index a JSON Lines dataset. Records are validated with `opts` as loadDataset would validate them
 * (a stop throws InputError naming the record); the ones kept are read again on demand.
 */
export async function indexJsonl(file: FileSource, opts: DatasetOptions & { maxIssues?: number } = {}): Promise<IndexedJsonl> {
  const spans = await recordSpans(file);
  const valid: number[] = [];
  const report = await eachRecord(file, { ...opts, container: 'jsonl' }, (r) => valid.push(r.index));
  if (valid.length && valid.at(-1)! >= spans.count)
    throw new InputError(file.name, `changed while it was read (record ${valid.at(-1)} is past its ${spans.count} lines)`);
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
  spans: { starts: Float64Array; ends: Float64Array },
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
