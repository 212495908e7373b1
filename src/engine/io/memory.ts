/** FileSource/FolderSource over bytes already in memory (generated checkpoints, tests, fetched blobs). */
import type { FileSource, FolderSource } from '../types';

/** `chunkSize` sets what stream() yields: small chunks let tests hit every chunk-boundary case. */
export function bytesFile(name: string, bytes: Uint8Array, chunkSize = 1 << 20): FileSource {
  if (!(chunkSize >= 1)) throw new RangeError(`chunkSize must be >= 1, got ${chunkSize}`);
  return {
    name,
    size: async () => bytes.length,
    read: async (start, end) => bytes.subarray(Math.max(0, start), Math.min(bytes.length, end)),
    async *stream() {
      for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, Math.min(bytes.length, i + chunkSize));
    },
  };
}

/** A FileSource over text (UTF-8) or bytes, e.g. a pasted dataset or a test fixture. */
export function memoryFile(name: string, data: string | Uint8Array | ArrayBuffer, chunkSize = 64 * 1024): FileSource {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data instanceof Uint8Array ? data : new Uint8Array(data);
  return bytesFile(name, bytes, chunkSize);
}

/** Strings are stored as UTF-8 (config.json, tokenizer.json). */
export function memoryFolder(name: string, files: Map<string, Uint8Array | string>): FolderSource {
  const enc = new TextEncoder();
  return {
    name,
    open: async (path) => {
      const f = files.get(path);
      if (f === undefined) return null;
      return bytesFile(`${name}/${path}`, typeof f === 'string' ? enc.encode(f) : f);
    },
  };
}
