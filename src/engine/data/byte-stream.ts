/** Helpers over a FileSource's chunk stream shared by the JSON, JSONL and CSV readers. */
import type { FileSource } from '../types';

const BOM = [0xef, 0xbb, 0xbf];

/**
 * The chunks without a leading UTF-8 byte-order mark (Excel and Windows editors write one). The BOM
 * may straddle chunks, so up to three leading bytes are held back until it is decided.
 */
export async function* withoutBom(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let head: number[] | null = [];
  for await (const chunk of chunks) {
    if (head === null) {
      yield chunk;
      continue;
    }
    let i = 0;
    while (i < chunk.length && head.length < 3 && chunk[i] === BOM[head.length]) head.push(chunk[i++]);
    if (head.length === 3) {
      head = null;
      if (i < chunk.length) yield chunk.subarray(i);
    } else if (i < chunk.length) {
      // not a BOM: give back what was held, then the rest
      const held = Uint8Array.from(head);
      head = null;
      if (held.length) yield held;
      yield chunk.subarray(i);
    }
  }
  if (head && head.length) yield Uint8Array.from(head);
}

/** Counts newlines up to a byte offset, lazily: offsets asked for only ever grow. */
export class LineCounter {
  private line = 1;
  private pos = 0;
  private chunk: Uint8Array = new Uint8Array(0);
  private chunkStart = 0;

  /** Call before the bytes of `chunk` (starting at absolute `start`) are handed to a parser. */
  setChunk(chunk: Uint8Array, start: number): void {
    this.advance(this.chunkStart + this.chunk.length);
    this.chunk = chunk;
    this.chunkStart = start;
  }

  /** 1-based line of the byte at `offset` (offsets before the last one asked give that line). */
  lineAt(offset: number): number {
    this.advance(offset);
    return this.line;
  }

  private advance(offset: number): void {
    const end = Math.min(offset, this.chunkStart + this.chunk.length);
    for (let p = Math.max(this.pos, this.chunkStart); p < end; p++) if (this.chunk[p - this.chunkStart] === 0x0a) this.line++;
    if (end > this.pos) this.pos = end;
  }
}

/** Replacement character a non-fatal decoder leaves for invalid UTF-8. */
export const REPLACEMENT_CHAR = '\uFFFD';

/**
 * The first `n` bytes of a file's stream (fewer if it is shorter), and the same file whose
 * `stream()` replays those bytes and then goes on with the one open stream. Detection reads its
 * head this way rather than with a separate `read(0, n)`: for a URL that would be a Range request
 * beside the full GET, and a browser's HTTP cache may stitch a cached range to the rest of the file
 * fetched with another content encoding (gzip bytes appearing at the range boundary). One request
 * per read of a dataset is both cheaper and immune to that.
 */
export async function peekHead(file: FileSource, n: number): Promise<{ head: Uint8Array; file: FileSource }> {
  const it = file.stream()[Symbol.asyncIterator]();
  const held: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    held.push(r.value);
    size += r.value.length;
  }
  const head = new Uint8Array(Math.min(size, n));
  let o = 0;
  for (const c of held) {
    if (o >= head.length) break;
    const part = c.subarray(0, head.length - o);
    head.set(part, o);
    o += part.length;
  }
  let used = false;
  const replay = async function* (): AsyncGenerator<Uint8Array> {
    if (used) throw new Error(`${file.name}: its stream was already read once`);
    used = true;
    yield* held;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  };
  return { head, file: { name: file.name, size: () => file.size(), read: (s, e) => file.read(s, e), stream: replay } };
}
