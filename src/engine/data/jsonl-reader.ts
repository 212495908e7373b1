/**
 * JSON Lines: one JSON value per line, split on the bytes so that each line is decoded on its own —
 * a bad line (invalid UTF-8, broken JSON, over the size cap) is one skipped record, never the end of
 * the file. Blank lines are not records.
 */
import type { FileSource } from '../types';
import { withoutBom } from './byte-stream';
import type { ContainerOptions, RawItem } from './raw-item';

/** Byte lines of the stream (without "\n" and a trailing "\r"); a line over `maxBytes` comes back as null. */
export async function* byteLines(
  chunks: AsyncIterable<Uint8Array>,
  maxBytes: number,
): AsyncGenerator<{ bytes: Uint8Array | null; line: number }> {
  let pieces: Uint8Array[] = [];
  let held = 0;
  let tooLong = false;
  let line = 1;
  const take = (): Uint8Array | null => {
    if (tooLong) return null;
    let bytes: Uint8Array;
    if (pieces.length === 1) bytes = pieces[0];
    else {
      bytes = new Uint8Array(held);
      let o = 0;
      for (const p of pieces) {
        bytes.set(p, o);
        o += p.length;
      }
    }
    return bytes.length && bytes[bytes.length - 1] === 0x0d ? bytes.subarray(0, bytes.length - 1) : bytes;
  };
  const keep = (part: Uint8Array) => {
    if (tooLong || !part.length) return;
    held += part.length;
    if (held > maxBytes) {
      tooLong = true;
      pieces = [];
    } else pieces.push(part.slice()); // a copy: the source may reuse its chunk buffer
  };
  for await (const chunk of chunks) {
    let from = 0;
    for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, from)) {
      keep(chunk.subarray(from, nl));
      yield { bytes: take(), line };
      line++;
      pieces = [];
      held = 0;
      tooLong = false;
      from = nl + 1;
    }
    keep(chunk.subarray(from));
  }
  if (held > 0 || tooLong) yield { bytes: take(), line };
}

export async function* readJsonLines(file: FileSource, opts: ContainerOptions): AsyncGenerator<RawItem> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let index = 0;
  for await (const { bytes, line } of byteLines(withoutBom(file.stream()), opts.maxRecordBytes)) {
    if (bytes === null) {
      yield { index: index++, line, problem: `line is longer than ${opts.maxRecordBytes} bytes (maxRecordBytes)` };
      continue;
    }
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      yield { index: index++, line, problem: 'line is not valid UTF-8' };
      continue;
    }
    if (!text.trim()) continue;
    try {
      yield { index, line, value: JSON.parse(text) };
    } catch (e) {
      yield { index, line, problem: `invalid JSON (${(e as Error).message})` };
    }
    index++;
  }
}
