/**
 * Writing a file so that a killed process never leaves a partial file under its final name: the
 * bytes go to a temporary name beside it (same folder, so the rename stays on one file system) and
 * are renamed into place once complete. Node only (CLI outputs, DirStore checkpoints).
 */
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Called with the target path at 'partial' (half the bytes written) and 'renamed'; fault tests kill there. */
export type WriteHook = (path: string, phase: 'partial' | 'renamed') => void;

const TMP = /^\.(.+)\.\d+\.tmp$/;

export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

export async function writeFileAtomic(path: string, bytes: Uint8Array | string, hook?: WriteHook): Promise<void> {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  const fh = await open(tmp, 'w');
  try {
    const half = data.length >> 1;
    await fh.write(data, 0, half, 0);
    hook?.(path, 'partial');
    await fh.write(data, half, data.length - half, half);
    await fh.sync();
    await fh.close();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
  await rename(tmp, path);
  hook?.(path, 'renamed');
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
    if (m && (!names || names.includes(m[1]))) await rm(join(dir, e), { force: true });
  }
}
