/**
 * Path checks done before any work, so a missing file or an unwritable --out is reported as
 * "--data nope.json: no such file" at once, not as a raw ENOENT after minutes of evaluation.
 */
import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Stats } from 'node:fs';
import { InputError } from '../engine/types';

async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw e;
  }
}

async function readable(where: string, path: string): Promise<void> {
  try {
    await access(path, constants.R_OK);
  } catch {
    throw new InputError(where, 'cannot be read (permission denied)');
  }
}

/** An existing, readable regular file. */
export async function checkInputFile(flag: string, path: string): Promise<void> {
  const where = `--${flag} ${path}`;
  const s = await statOrNull(path);
  if (!s) throw new InputError(where, 'no such file');
  if (s.isDirectory()) throw new InputError(where, 'is a directory; a file is expected');
  if (!s.isFile()) throw new InputError(where, 'is not a regular file');
  await readable(where, path);
}

/** An existing, readable directory. */
export async function checkInputDir(flag: string, path: string, what: string): Promise<void> {
  const where = `--${flag} ${path}`;
  const s = await statOrNull(path);
  if (!s) throw new InputError(where, 'no such directory');
  if (!s.isDirectory()) throw new InputError(where, `is a file; ${what} is expected`);
  await readable(where, path);
}

/** The closest existing ancestor of a path that does not exist yet must be a writable directory. */
async function checkCreatable(where: string, path: string): Promise<void> {
  let p = resolve(path);
  for (;;) {
    const parent = dirname(p);
    const s = await statOrNull(parent);
    if (s) {
      if (!s.isDirectory()) throw new InputError(where, `cannot be created: ${parent} is a file`);
      return writable(where, parent);
    }
    if (parent === p) throw new InputError(where, 'cannot be created');
    p = parent;
  }
}

async function writable(where: string, dir: string): Promise<void> {
  try {
    await access(dir, constants.W_OK);
  } catch {
    throw new InputError(where, `cannot be written (${dir} is not writable)`);
  }
}

/** --out as a folder: an existing writable directory, or one that can be created. */
export async function checkOutputDir(flag: string, path: string): Promise<void> {
  const where = `--${flag} ${path}`;
  const s = await statOrNull(path);
  if (!s) return checkCreatable(where, path);
  if (!s.isDirectory()) throw new InputError(where, 'is an existing file; a folder is expected');
  await writable(where, path);
}

/** --out as a file: not a directory, and its folder writable (or creatable). */
export async function checkOutputFile(flag: string, path: string): Promise<void> {
  const where = `--${flag} ${path}`;
  const s = await statOrNull(path);
  if (s?.isDirectory()) throw new InputError(where, 'is a directory; a file name is expected');
  const parent = dirname(resolve(path));
  const ps = await statOrNull(parent);
  if (!ps) return checkCreatable(where, parent);
  if (!ps.isDirectory()) throw new InputError(where, `cannot be created: ${parent} is a file`);
  await writable(where, parent);
}

/** Whether two paths name one file (through links), for --out equal to --in. */
export async function sameFile(a: string, b: string): Promise<boolean> {
  const real = async (p: string) => realpath(p).catch(() => resolve(p));
  return (await real(a)) === (await real(b));
}
