/** Helpers over a FileSource's chunk stream shared by the JSON, JSONL and CSV readers. */

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
