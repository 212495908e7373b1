/** Run checkpoints on disk for the CLI: atomic write by rename. */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointStore } from './checkpoint-store';

export class DirStore implements CheckpointStore {
  constructor(private readonly dir: string) {}

  async write(name: string, bytes: Uint8Array) {
    await mkdir(this.dir, { recursive: true });
    const tmp = join(this.dir, `${name}.partial`);
    await writeFile(tmp, bytes);
    await rename(tmp, join(this.dir, name));
  }

  async read(name: string) {
    try {
      return new Uint8Array(await readFile(join(this.dir, name)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async remove(name: string) {
    await rm(join(this.dir, name), { force: true });
  }
}
