/**
 * Where run checkpoints live: a directory on disk in Node, the Origin Private File System in the
 * browser. A checkpoint is a few named blobs; writes go to a temporary name first and are renamed
 * into place, so a killed process never leaves a half-written checkpoint behind.
 */
export interface CheckpointStore {
  write(name: string, bytes: Uint8Array): Promise<void>;
  /** null when absent. */
  read(name: string): Promise<Uint8Array | null>;
  remove(name: string): Promise<void>;
}

/** For tests and for runs the user chose not to persist. */
export class MemoryStore implements CheckpointStore {
  private files = new Map<string, Uint8Array>();
  async write(name: string, bytes: Uint8Array) {
    this.files.set(name, bytes.slice());
  }
  async read(name: string) {
    return this.files.get(name)?.slice() ?? null;
  }
  async remove(name: string) {
    this.files.delete(name);
  }
}

/** OPFS, under one folder per run. */
export class OpfsStore implements CheckpointStore {
  constructor(private readonly folder: string) {}

  private async dir(): Promise<FileSystemDirectoryHandle> {
    const root = await navigator.storage.getDirectory();
    return root.getDirectoryHandle(this.folder, { create: true });
  }

  async write(name: string, bytes: Uint8Array) {
    const dir = await this.dir();
    const tmp = await dir.getFileHandle(`${name}.partial`, { create: true });
    const w = await tmp.createWritable();
    await w.write(bytes as Uint8Array<ArrayBuffer>);
    await w.close();
    // OPFS has no rename in every browser: copy the finished file over, then drop the temporary.
    const fin = await dir.getFileHandle(name, { create: true });
    const w2 = await fin.createWritable();
    await w2.write(bytes as Uint8Array<ArrayBuffer>);
    await w2.close();
    await dir.removeEntry(`${name}.partial`);
  }

  async read(name: string) {
    try {
      const dir = await this.dir();
      const f = await (await dir.getFileHandle(name)).getFile();
      return new Uint8Array(await f.arrayBuffer());
    } catch (e) {
      if ((e as DOMException).name === 'NotFoundError') return null;
      throw e;
    }
  }

  async remove(name: string) {
    const dir = await this.dir();
    await dir.removeEntry(name).catch(() => undefined);
  }
}
