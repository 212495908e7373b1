/** Node FileSource/FolderSource over the local filesystem (CLI, tests). */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { InputError, type FileSource, type FolderSource } from '../types';

export function nodeFile(path: string): FileSource {
  return {
    name: path,
    size: async () => (await stat(path)).size,
    async read(start, end) {
      const fh = await open(path, 'r');
      try {
        const len = Math.max(0, end - start);
        const buf = new Uint8Array(len);
        let got = 0;
        while (got < len) {
          const { bytesRead } = await fh.read(buf, got, len - got, start + got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
        return got === len ? buf : buf.subarray(0, got);
      } finally {
        await fh.close();
      }
    },
    async *stream() {
      for await (const chunk of createReadStream(path)) yield new Uint8Array(chunk as Buffer);
    },
  };
}

export function nodeFolder(dir: string): FolderSource {
  const root = resolve(dir);
  return {
    name: dir,
    async open(path) {
      const full = resolve(root, path);
      if (full !== root && !full.startsWith(root + sep)) throw new InputError(`${dir}/${path}`, 'path leaves the folder');
      try {
        const s = await stat(full);
        if (!s.isFile()) return null;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
      return nodeFile(full);
    },
  };
}
