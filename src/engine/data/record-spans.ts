/**
 * Where each record of a dataset file lies, as byte spans [start, end), so a run can read a record
 * again by one ranged read instead of holding it (docs/design.md §2, "records streamed"): two float64
 * a record. JSON Lines: its non-blank lines. A JSON array: its top-level elements, found with the
 * same tokenizer the array reader uses (json-array-reader.ts), each span running from the element's
 * first token to the comma or bracket after it (the whitespace between is harmless to JSON.parse).
 * Both count records as their readers do, so span i is record i.
 */
import { TokenType, Tokenizer } from '@streamparser/json';
import type { FileSource } from '../types';
import { withoutBom } from './byte-stream';

export interface RecordSpans {
  starts: Float64Array;
  ends: Float64Array;
  count: number;
}

/** Growable pairs of offsets. */
class SpanList {
  private starts: Float64Array = new Float64Array(1024);
  private ends: Float64Array = new Float64Array(1024);
  private count = 0;

  push(start: number, end: number): void {
    if (this.count === this.starts.length) {
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.count++;
  }

  done(): RecordSpans {
    return { starts: this.starts, ends: this.ends, count: this.count };
  }
}

function grow(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);

/** Byte spans [start, end) of a JSON Lines file's records: its lines that are not blank (as readJsonLines counts them). */
export async function jsonLinesSpans(file: FileSource): Promise<RecordSpans> {
  const spans = new SpanList();
  let offset = 0;
  let lineStart = 0;
  let first = -1; // first non-whitespace byte of the line, as an absolute offset
  let firstByte = 0;
  let pending: number[] = []; // bytes of a line that starts with a non-ASCII byte (decoded to tell blank from not)
  const decoder = new TextDecoder('utf-8');
  const endLine = (end: number) => {
    let blank = first < 0;
    if (!blank && firstByte >= 0x80) blank = !decoder.decode(Uint8Array.from(pending)).trim();
    if (!blank) spans.push(lineStart, end);
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
  return spans.done();
}

/**
 * Byte spans of a JSON array's elements. The file has been read whole by the array reader already
 * (a syntax error stops there), so the tokenizer meets valid JSON here.
 */
export async function jsonArraySpans(file: FileSource): Promise<RecordSpans> {
  const head = await file.read(0, 3);
  // The tokenizer's offsets count from after a byte-order mark; the spans are the file's own.
  const base = head.length === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const spans = new SpanList();
  const tokenizer = new Tokenizer();
  let depth = 0;
  let start = -1;
  let ended = false;
  tokenizer.onToken = ({ token, offset }) => {
    const closes = token === TokenType.RIGHT_BRACE || token === TokenType.RIGHT_BRACKET;
    if (depth === 1 && (token === TokenType.COMMA || closes)) {
      if (start >= 0) spans.push(base + start, base + offset);
      start = -1;
    } else if (depth === 1 && start < 0) start = offset;
    if (token === TokenType.LEFT_BRACE || token === TokenType.LEFT_BRACKET) depth++;
    if (closes && --depth === 0) ended = true;
  };
  for await (const chunk of withoutBom(file.stream())) {
    try {
      tokenizer.write(chunk);
    } catch (e) {
      if (!ended) throw e; // what follows the closing "]" the array reader never read either
    }
    if (ended) break;
  }
  return spans.done();
}
