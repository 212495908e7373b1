/** Run checkpoints on disk for the CLI: atomic write by rename. */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic, type WriteHook } from '../io/atomic-write';
import type { CheckpointStore } from './checkpoint-store';

export class DirStore implements CheckpointStore {
  constructor(
    private readonly dir: string,
    private readonly hook?: WriteHook,
  ) {}

  async write(name: string, bytes: Uint8Array) {
    await writeFileAtomic(join(this.dir, name), bytes, this.hook);
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
