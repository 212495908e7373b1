/** FileSource/FolderSource over bytes already in memory (generated checkpoints, tests, fetched blobs). */
import type { FileSource, FolderSource } from '../types';

export function bytesFile(name: string, bytes: Uint8Array): FileSource {
  return {
    name,
    size: async () => bytes.length,
    read: async (start, end) => bytes.subarray(Math.max(0, start), Math.min(bytes.length, end)),
    async *stream() {
      const chunk = 1 << 20;
      for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, Math.min(bytes.length, i + chunk));
    },
  };
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
