/**
 * Writing a file so that neither a killed process nor a full disk ever leaves a partial file under
 * its final name (docs/design.md §5, "Writes"): the bytes go to a temporary name beside it (same
 * folder, so the rename stays on one file system), every byte is counted as written (write(2) may
 * write fewer bytes than asked when the disk fills, and Node's FileHandle.write does not retry), the
 * size is checked and the file fsynced, and only then is it renamed into place. A failed write removes
 * its temporary and leaves what was under the final name (the previous checkpoint, say) untouched; its
 * error names the final path and the bytes it needed. Node only (CLI outputs, DirStore checkpoints).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { injectedRoom } from './injected-disk-full';

/** Called with the target path at 'partial' (half the bytes written) and 'renamed'; fault tests kill there. */
export type WriteHook = (path: string, phase: 'partial' | 'renamed') => void;

const TMP = /^\.(.+)\.\d+\.tmp$/;

export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

/** ENOSPC as the kernel reports it (the path and note are added by `named`). */
function noSpace(): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error('ENOSPC: no space left on device, write');
  e.code = 'ENOSPC';
  return e;
}

const FULL = new Set(['ENOSPC', 'EDQUOT']);

/**
 * An error of writing `path` with that path named (a failed write or rename of the temporary
 * otherwise names the temporary, which the user never asked for) and, for a full disk, a note of the
 * bytes it needed and of what became of the file (the CLI prints it: cli/failure.ts).
 */
function named(e: unknown, path: string, note: string): unknown {
  const err = e as NodeJS.ErrnoException;
  if (!err || typeof err.code !== 'string') return e;
  err.path = path;
  delete (err as { dest?: string }).dest;
  if (FULL.has(err.code)) (err as { note?: string }).note = note;
  return err;
}

const bytesText = (n: number) => `${n.toLocaleString('en')} bytes`;

/** Writes data[from, to) at file offset `from`, looping over short writes; a write that makes no progress is a full disk. */
async function writeRange(fh: FileHandle, path: string, data: Uint8Array, from: number, to: number): Promise<void> {
  for (let at = from; at < to;) {
    const room = injectedRoom(path, to - at, at === 0);
    if (room === 0) throw noSpace();
    const { bytesWritten } = await fh.write(data, at, room, at);
    if (bytesWritten === 0) throw noSpace();
    at += bytesWritten;
  }
}

/**
 * Writes `bytes` in full to the temporary of `path` (every byte counted, size checked, fsynced) and
 * returns the temporary's path; the caller renames it into place. On failure the temporary is gone.
 */
export async function writeTemporary(path: string, bytes: Uint8Array | string, hook?: WriteHook): Promise<string> {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    const fh = await open(tmp, 'w');
    try {
      const half = data.length >> 1;
      await writeRange(fh, path, data, 0, half);
      hook?.(path, 'partial');
      await writeRange(fh, path, data, half, data.length);
      await fh.sync();
      const { size } = await fh.stat();
      if (size !== data.length) throw noSpace();
    } finally {
      await fh.close().catch(() => undefined);
    }
  } catch (e) {
    await rm(tmp, { force: true, recursive: true }).catch(() => undefined);
    throw named(e, path, `writing ${bytesText(data.length)} did not fit; what was under this name is untouched`);
  }
  return tmp;
}

/** Renames a complete temporary into place (its error names `path`; the temporary is removed). */
export async function renameIntoPlace(tmp: string, path: string, hook?: WriteHook): Promise<void> {
  try {
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true, recursive: true }).catch(() => undefined);
    throw named(e, path, 'what was under this name is untouched');
  }
  await syncDir(dirname(path));
  hook?.(path, 'renamed');
}

export async function writeFileAtomic(path: string, bytes: Uint8Array | string, hook?: WriteHook): Promise<void> {
  await renameIntoPlace(await writeTemporary(path, bytes, hook), path, hook);
}

/** Makes a rename in `dir` durable (its directory entry on disk); a no-op where folders cannot be opened (Windows). */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r').catch(() => null);
  if (!fh) return;
  await fh.sync().catch(() => undefined);
  await fh.close().catch(() => undefined);
}

/**
 * Appends a line (synchronously, so it is in the file before whatever the caller writes next), every
 * byte counted; a full disk throws ENOSPC naming `path`. A cut-short line is left at the end: the
 * files appended this way (metrics.jsonl) are rewritten whole from the checkpoint when a run resumes.
 */
export function appendAll(path: string, text: string): void {
  const data = new TextEncoder().encode(text);
  let fd: number;
  try {
    fd = openSync(path, 'a');
  } catch (e) {
    throw named(e, path, `appending ${bytesText(data.length)}`);
  }
  try {
    for (let at = 0; at < data.length;) {
      const room = injectedRoom(path, data.length - at, at === 0);
      if (room === 0) throw noSpace();
      const n = writeSync(fd, data, at, room);
      if (n === 0) throw noSpace();
      at += n;
    }
  } catch (e) {
    throw named(e, path, `appending ${bytesText(data.length)} did not fit`);
  } finally {
    closeSync(fd);
  }
}

/** Removes temporaries that killed writers left in a folder (`.<name>.<pid>.tmp`), optionally only for some names. */
export async function removeStaleTemporaries(dir: string, names?: readonly string[]): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return;
  }
  for (const e of entries) {
    const m = TMP.exec(e);
    if (m && (!names || names.includes(m[1]))) await rm(join(dir, e), { force: true, recursive: true });
  }
}
