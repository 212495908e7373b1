/**
 * CSV as RFC 4180 says: fields separated by a delimiter, records by CRLF or LF, a field in double
 * quotes may hold delimiters, newlines and doubled quotes (""). The first record is the header; each
 * later record becomes {header: value}. Parsed on bytes (every syntax byte is ASCII, so UTF-8 text is
 * untouched) and each record's fields decoded strictly, so invalid UTF-8 costs one record.
 *
 * A stray quote inside an unquoted field, or text after a closing quote, spoils that record only.
 * An opening quote that is never closed swallows the rest of the file: that is fatal, reported at
 * the line where the quote opened.
 */
import type { FileSource } from '../types';
import { withoutBom } from './byte-stream';
import type { ContainerOptions, RawItem } from './raw-item';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
}

/** Raw rows: each a list of fields, with the line it started on and its first syntax problem. */
async function* csvRows(
  chunks: AsyncIterable<Uint8Array>,
  delimiter: number,
  maxBytes: number,
): AsyncGenerator<{ fields: Uint8Array[]; line: number; problem?: string; fatal?: boolean }> {
  let buf = new Uint8Array(1024);
  let len = 0;
  let fields: Uint8Array[] = [];
  let state = State.FieldStart;
  let line = 1;
  let rowLine = 1;
  let quoteLine = 1;
  let rowBytes = 0;
  let problem: string | undefined;

  const push = (b: number) => {
    if (len === buf.length) {
      const bigger = new Uint8Array(buf.length * 2);
      bigger.set(buf);
      buf = bigger;
    }
    buf[len++] = b;
  };
  const endField = () => {
    fields.push(buf.slice(0, len));
    len = 0;
    state = State.FieldStart;
  };
  const endRow = () => {
    endField();
    const row = { fields, line: rowLine, problem };
    fields = [];
    problem = undefined;
    rowBytes = 0;
    rowLine = line + 1;
    return row;
  };

  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (++rowBytes > maxBytes) {
        yield {
          fields: [],
          line: rowLine,
          problem:
            state === State.Quoted
              ? `quoted field opened on line ${quoteLine} runs past maxRecordBytes (${maxBytes}): unterminated quote?`
              : `record is longer than ${maxBytes} bytes (maxRecordBytes)`,
          fatal: true,
        };
        return;
      }
      switch (state) {
        case State.FieldStart:
          if (b === QUOTE) {
            state = State.Quoted;
            quoteLine = line;
          } else if (b === delimiter) endField();
          else if (b === LF) {
            yield endRow();
            line++;
          } else if (b !== CR) {
            push(b);
            state = State.Unquoted;
          }
          break;
        case State.Unquoted:
          if (b === delimiter) endField();
          else if (b === LF) {
            yield endRow();
            line++;
          } else if (b === QUOTE) {
            problem ??= `a double quote inside an unquoted field (field ${fields.length + 1}); quote the whole field and double inner quotes`;
            push(b);
          } else if (b !== CR) push(b);
          break;
        case State.Quoted:
          if (b === QUOTE) state = State.QuoteInQuoted;
          else {
            if (b === LF) line++;
            push(b);
          }
          break;
        case State.QuoteInQuoted:
          if (b === QUOTE) {
            push(b);
            state = State.Quoted;
          } else if (b === delimiter) endField();
          else if (b === LF) {
            yield endRow();
            line++;
          } else if (b !== CR) {
            problem ??= `text after the closing quote of field ${fields.length + 1}`;
            push(b);
            state = State.Unquoted;
          }
          break;
      }
    }
  }
  if (state === State.Quoted) {
    yield {
      fields: [],
      line: rowLine,
      problem: `unterminated quoted field (the quote opened on line ${quoteLine} is never closed)`,
      fatal: true,
    };
    return;
  }
  if (len > 0 || fields.length > 0) yield endRow();
}

/**
 * `header`: the column names of a file that has none (MMLU's own CSVs), so its first record is data.
 */
export async function* readCsv(
  file: FileSource,
  opts: ContainerOptions & { delimiter: string; header?: readonly string[] },
): AsyncGenerator<RawItem> {
  if (opts.delimiter.length !== 1 || opts.delimiter.charCodeAt(0) > 0x7f)
    throw new RangeError(`CSV delimiter must be one ASCII character, got ${JSON.stringify(opts.delimiter)}`);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let header: string[] | null = opts.header ? [...opts.header] : null;
  let index = 0;
  for await (const row of csvRows(withoutBom(file.stream()), opts.delimiter.charCodeAt(0), opts.maxRecordBytes)) {
    const blank = row.fields.length === 1 && row.fields[0].length === 0 && !row.problem;
    if (blank) continue;
    if (row.fatal) {
      yield { index, line: row.line, problem: row.problem, fatal: true };
      return;
    }
    let texts: string[];
    try {
      texts = row.fields.map((f) => decoder.decode(f));
    } catch {
      if (!header) {
        yield { index, line: row.line, problem: 'the CSV header is not valid UTF-8', fatal: true };
        return;
      }
      yield { index: index++, line: row.line, problem: 'record is not valid UTF-8' };
      continue;
    }
    if (!header) {
      if (row.problem) {
        yield { index, line: row.line, problem: `the CSV header is malformed: ${row.problem}`, fatal: true };
        return;
      }
      header = texts.map((t) => t.trim());
      continue;
    }
    if (row.problem) yield { index, line: row.line, problem: row.problem };
    else if (texts.length !== header.length)
      yield { index, line: row.line, problem: `has ${texts.length} fields, the header has ${header.length}` };
    else yield { index, line: row.line, value: Object.fromEntries(header.map((h, k) => [h, texts[k]])) };
    index++;
  }
  if (!header) yield { index: 0, line: 1, problem: 'the file is empty (no CSV header)', fatal: true };
}
