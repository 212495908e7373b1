/**
 * A FileSource over text or bytes already in memory, streamed in chunks of a chosen size — for tests
 * (small chunks exercise every chunk-boundary case) and for the browser (a pasted string, a fetched
 * ArrayBuffer). src/engine/io/memory.ts has `bytesFile` with fixed 1 MiB chunks; this one differs only
 * in the chunk size, so it reuses that for size/read.
 */
import { bytesFile } from '../io/memory';
import type { FileSource } from '../types';

export function memoryFile(name: string, data: string | Uint8Array | ArrayBuffer, chunkSize = 64 * 1024): FileSource {
  if (!(chunkSize >= 1)) throw new RangeError(`chunkSize must be >= 1, got ${chunkSize}`);
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data instanceof Uint8Array ? data : new Uint8Array(data);
  const base = bytesFile(name, bytes);
  return {
    name,
    size: base.size,
    read: base.read,
    async *stream() {
      for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, Math.min(bytes.length, i + chunkSize));
    },
  };
}
