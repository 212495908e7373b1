import { isStorageFull, MAKE_ROOM_IN_THE_BROWSER, StorageFullError } from '../io/storage-full';

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

  /**
   * A writable stream writes to a swap file and replaces the file only when closed (the File System
   * spec), so a write the quota refuses is aborted and the previous checkpoint stays as it was.
   */
  async write(name: string, bytes: Uint8Array) {
    const dir = await this.dir();
    const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
    try {
      await w.write(bytes as Uint8Array<ArrayBuffer>);
      await w.close();
    } catch (e) {
      await w.abort().catch(() => undefined);
      if (isStorageFull(e))
        throw new StorageFullError(
          `${name} (${bytes.length.toLocaleString('en')} bytes) could not be saved, the previous one is kept: ${MAKE_ROOM_IN_THE_BROWSER}`,
        );
      throw e;
    }
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
