/**
 * Reading a dataset: container (JSON array / JSONL / CSV) → layout (detected from the first record,
 * or given) → validated EditRecords, streamed. Three ways in:
 *  - `readDataset`: an async iterator of {record} | {issue}, memory bounded by one record;
 *  - `scanDataset`: a report (count, layout, preview, issues) without keeping the records;
 *  - `loadDataset`: the records in memory, for the sizes a run needs (`limit`).
 *
 * Policy: with onInvalid 'skip' a bad record is reported and reading goes on; with 'stop' the first
 * bad record ends reading (loadDataset throws InputError naming it). Problems after which nothing
 * can be read (JSON syntax error or truncation, an unterminated CSV quote, an undetectable layout)
 * are 'stopped' under either policy; loadDataset throws on them too, so a run never starts on half
 * a file unnoticed — scanDataset reports them instead.
 */
import { InputError, type EditRecord, type FileSource } from '../types';
import { peekHead } from './byte-stream';
import { readCsv } from './csv-reader';
import { describeSignatures, detectLayout } from './detect';
import { readJsonArray } from './json-array-reader';
import { readJsonLines } from './jsonl-reader';
import { customLayout, layoutById, type FieldMapping, type Layout, type LayoutId } from './layouts';
import { normalizeRecord, type NormalizeOptions } from './normalize';
import type { RawItem } from './raw-item';

export type ContainerKind = 'json' | 'jsonl' | 'csv';

export interface ValidationIssue {
  /** 0-based position of the record in the file. */
  index: number;
  /** 1-based line where the record starts. */
  line: number;
  /** Source field (a path such as "requested_rewrite.prompt"), or "(record)" / "(file)". */
  field: string;
  problem: string;
  outcome: 'skipped' | 'stopped';
}

export interface DatasetItem {
  record?: EditRecord;
  issue?: ValidationIssue;
}

export interface DatasetOptions {
  /** Default: from the extension (.jsonl/.ndjson, .csv/.tsv), else from the first byte ("[" → json). */
  container?: ContainerKind;
  /** Default: detected from the first record's fields. */
  layout?: LayoutId;
  /** A user field mapping (implies layout "generic"); prompt and answer are required. */
  mapping?: FieldMapping;
  onInvalid?: 'skip' | 'stop';
  /** Stop after this many valid records. */
  limit?: number;
  /** Default 10 000. */
  maxChars?: number;
  /** Default 16 MiB. */
  maxRecordBytes?: number;
  /** Seed for list-valued fields (FEVER equiv_prompt, …). Default 0. */
  seed?: number;
  listPick?: 'seeded' | 'first';
  /** Append "?" to ZsRE loc prompts as UltraEdit scores them. Default true. */
  zsreLocQuestionMark?: boolean;
  /** Default "," ("\t" for .tsv). */
  csvDelimiter?: string;
  /**
   * A check of each valid record that needs more than the file (e.g. that it fits the model's
   * positions once tokenized); a problem is handled like any invalid record (skip or stop).
   */
  check?: (record: EditRecord) => { field: string; problem: string } | null;
}

export interface DatasetDetection {
  container: ContainerKind;
  containerReason: string;
  layout: LayoutId;
  layoutReason: string;
}

/** An async iterable of items; `detection` is filled once the first record has been seen. */
export interface DatasetReader extends AsyncIterable<DatasetItem> {
  readonly detection: DatasetDetection | null;
}

export function readDataset(file: FileSource, opts: DatasetOptions = {}): DatasetReader {
  const reader = {
    detection: null as DatasetDetection | null,
    [Symbol.asyncIterator]: () => iterate(file, opts, (d) => (reader.detection = d)),
  };
  return reader;
}

/** The normalization a reader applies under `opts` (indexed-records.ts reads records again with it). */
export function normalizeOptionsOf(opts: DatasetOptions): NormalizeOptions {
  return {
    maxChars: opts.maxChars ?? 10_000,
    seed: opts.seed ?? 0,
    listPick: opts.listPick ?? 'seeded',
    zsreLocQuestionMark: opts.zsreLocQuestionMark ?? true,
  };
}

async function* iterate(file: FileSource, opts: DatasetOptions, onDetect: (d: DatasetDetection) => void): AsyncGenerator<DatasetItem> {
  const policy = opts.onInvalid ?? 'skip';
  const norm = normalizeOptionsOf(opts);
  const ext = /\.(jsonl|ndjson|csv|tsv)$/i.exec(file.name)?.[1].toLowerCase();
  let head: Uint8Array | null = null;
  if (!opts.container) ({ head, file } = await peekHead(file, 4096));
  const unreadable = head && encodingProblem(head);
  if (unreadable) {
    yield { issue: { index: 0, line: 1, field: '(file)', problem: unreadable, outcome: 'stopped' } };
    return;
  }
  const { kind, reason } = chooseContainer(ext, head, opts.container);
  if (kind === 'csv' && head && /\.json$/i.test(file.name)) {
    const start = new TextDecoder().decode(head.subarray(0, 40)).trim().split('\n')[0];
    const problem = `not JSON: a .json file must hold a JSON array ("[…]") or JSON lines ("{…}"), but it starts with ${JSON.stringify(start)}`;
    yield { issue: { index: 0, line: 1, field: '(file)', problem, outcome: 'stopped' } };
    return;
  }
  const maxRecordBytes = opts.maxRecordBytes ?? 16 * 1024 * 1024;
  const items: AsyncIterable<RawItem> =
    kind === 'json'
      ? readJsonArray(file, { maxRecordBytes })
      : kind === 'jsonl'
        ? readJsonLines(file, { maxRecordBytes })
        : readCsv(file, { maxRecordBytes, delimiter: opts.csvDelimiter ?? (/\.tsv$/i.test(file.name) ? '\t' : ',') });

  let layout: Layout | null = opts.mapping ? customLayout(opts.mapping) : opts.layout ? layoutById(opts.layout) : null;
  let layoutReason = opts.mapping ? 'a field mapping was given' : opts.layout ? 'chosen by the caller' : '';
  if (layout) onDetect({ container: kind, containerReason: reason, layout: layout.id, layoutReason });
  let valid = 0;

  for await (const item of items) {
    if (item.problem !== undefined) {
      const stops = item.fatal || policy === 'stop';
      yield {
        issue: {
          index: item.index,
          line: item.line,
          field: item.fatal ? '(file)' : '(record)',
          problem: item.problem,
          outcome: stops ? 'stopped' : 'skipped',
        },
      };
      if (stops) return;
      continue;
    }
    if (!layout) {
      const value = item.value;
      const detected =
        value !== null && typeof value === 'object' && !Array.isArray(value) ? detectLayout(value as Record<string, unknown>) : null;
      if (Array.isArray(value)) {
        yield {
          issue: {
            index: item.index,
            line: item.line,
            field: '(record)',
            problem: 'the record is an array, not an object: the file must be a list of objects (one per edit), not a list of lists',
            outcome: 'stopped',
          },
        };
        return;
      }
      if (!detected) {
        const fields =
          value !== null && typeof value === 'object'
            ? `fields ${JSON.stringify(Object.keys(value)).slice(0, 300)}`
            : `a ${Array.isArray(value) ? 'list' : typeof value}`;
        yield {
          issue: {
            index: item.index,
            line: item.line,
            field: '(record)',
            problem: `cannot tell the dataset layout from the first record (${fields}); known layouts: ${describeSignatures()}. Choose a layout or give a field mapping.`,
            outcome: 'stopped',
          },
        };
        return;
      }
      layout = detected.layout;
      layoutReason = detected.reason;
      onDetect({ container: kind, containerReason: reason, layout: layout.id, layoutReason });
    }
    let n = normalizeRecord(item.value, item.index, layout, norm);
    if ('record' in n && opts.check) n = opts.check(n.record) ?? n;
    if ('record' in n) {
      yield { record: n.record };
      if (opts.limit !== undefined && ++valid >= opts.limit) return;
    } else {
      yield {
        issue: {
          index: item.index,
          line: item.line,
          field: n.field,
          problem: n.problem,
          outcome: policy === 'stop' ? 'stopped' : 'skipped',
        },
      };
      if (policy === 'stop') return;
    }
  }
}

/** Files no reader here can decode (UTF-16/32, binary), named as such rather than as a syntax error. */
function encodingProblem(head: Uint8Array): string | null {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))
    return `the file is UTF-16 (it starts with the byte-order mark ${head[0] === 0xff ? 'FF FE' : 'FE FF'}); UTF-16 is not supported: save it as UTF-8`;
  if (head.subarray(0, 1024).includes(0))
    return 'the file is binary (it holds NUL bytes), not text: a dataset is JSON, JSON Lines or CSV in UTF-8';
  return null;
}

function chooseContainer(ext: string | undefined, head: Uint8Array | null, given?: ContainerKind): { kind: ContainerKind; reason: string } {
  if (given) return { kind: given, reason: 'chosen by the caller' };
  if (ext) return { kind: ext === 'csv' || ext === 'tsv' ? 'csv' : 'jsonl', reason: `file name ends in .${ext}` };
  // First non-blank byte after an optional BOM, from the first 4 KiB.
  head ??= new Uint8Array(0);
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  if (head[i] === 0x5b) return { kind: 'json', reason: 'the file starts with "["' };
  if (head[i] === 0x7b) return { kind: 'jsonl', reason: 'the file starts with "{" (one JSON object per line)' };
  if (i >= head.length) return { kind: 'json', reason: 'the file starts with no data; read as JSON' };
  return { kind: 'csv', reason: 'the file starts with neither "[" nor "{"' };
}

export interface DatasetReport {
  file: string;
  detection: DatasetDetection | null;
  /** Valid records read. */
  count: number;
  /** Records seen, valid or not (up to where reading stopped). */
  seen: number;
  skipped: number;
  /** The first `maxIssues` issues (issueCount has them all). */
  issues: ValidationIssue[];
  issueCount: number;
  /** The issue that ended reading early, if any. */
  stopped: ValidationIssue | null;
  preview: EditRecord[];
}

export async function scanDataset(
  file: FileSource,
  opts: DatasetOptions & { previewCount?: number; maxIssues?: number } = {},
): Promise<DatasetReport> {
  return consume(file, opts, opts.previewCount ?? 10, null);
}

export async function loadDataset(
  file: FileSource,
  opts: DatasetOptions & { maxIssues?: number } = {},
): Promise<{ records: EditRecord[]; report: DatasetReport }> {
  const records: EditRecord[] = [];
  const report = await eachRecord(file, opts, (r) => records.push(r));
  return { records, report };
}

/** loadDataset without keeping the records: each valid one goes to `onRecord`; a stop throws as loadDataset does. */
export async function eachRecord(
  file: FileSource,
  opts: DatasetOptions & { maxIssues?: number },
  onRecord: (record: EditRecord) => void,
): Promise<DatasetReport> {
  const report = await consume(file, opts, 0, onRecord);
  if (report.stopped) {
    const s = report.stopped;
    throw new InputError(`${file.name}: record ${s.index} (line ${s.line}), field ${s.field}`, `${s.problem} (reading stopped)`);
  }
  return report;
}

async function consume(
  file: FileSource,
  opts: DatasetOptions & { maxIssues?: number },
  previewCount: number,
  keep: ((record: EditRecord) => void) | null,
): Promise<DatasetReport> {
  const reader = readDataset(file, opts);
  const maxIssues = opts.maxIssues ?? 1000;
  const report: DatasetReport = {
    file: file.name,
    detection: null,
    count: 0,
    seen: 0,
    skipped: 0,
    issues: [],
    issueCount: 0,
    stopped: null,
    preview: [],
  };
  for await (const item of reader) {
    if (item.record) {
      report.count++;
      report.seen = item.record.index + 1;
      if (report.preview.length < previewCount) report.preview.push(item.record);
      keep?.(item.record);
    } else if (item.issue) {
      const issue = item.issue;
      report.issueCount++;
      if (report.issues.length < maxIssues) report.issues.push(issue);
      if (issue.outcome === 'skipped') {
        report.skipped++;
        report.seen = issue.index + 1;
      } else report.stopped = issue;
    }
  }
  report.detection = reader.detection;
  return report;
}
