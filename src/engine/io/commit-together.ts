/**
 * Files that belong together — replay's deltas and diagnostics, a run's outputs — replaced together
 * or not at all (docs/design.md §5, "Writes"). A redo journal, as databases keep one:
 *   1. every file is written in full to its temporary beside it (verified and fsynced: atomic-write.ts);
 *   2. the journal, naming each (temporary, final name) pair, is written atomically: the commit point;
 *   3. the temporaries are renamed into place, in the order given;
 *   4. the journal is removed.
 * A process killed (or a disk full) before 2 leaves every old file as it was, and its temporaries are
 * removed by the next command on that output; killed after 2, the next command finishes the renames
 * first (`finishCommit`), so the files are then all of the new generation. Node only.
 */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../types';
import { renameIntoPlace, syncDir, writeFileAtomic, writeTemporary, type WriteHook } from './atomic-write';

/** The journal of the commits of an output file and its companions: `.<name>.commit` beside it. */
export function commitJournalFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.commit`);
}

export interface FileToCommit {
  path: string;
  bytes: Uint8Array | string;
}

interface Journal {
  /** [temporary, final] names, relative to the journal's folder. */
  renames: [string, string][];
}

export async function commitTogether(journal: string, files: readonly FileToCommit[], hook?: WriteHook): Promise<void> {
  const dir = dirname(journal);
  for (const f of files) if (dirname(f.path) !== dir) throw new Error(`${f.path}: not in the commit's folder ${dir}`);
  const temps: string[] = [];
  try {
    for (const f of files) temps.push(await writeTemporary(f.path, f.bytes, hook));
    const record: Journal = { renames: files.map((f, i) => [basename(temps[i]), basename(f.path)]) };
    await writeFileAtomic(journal, JSON.stringify(record) + '\n', hook);
  } catch (e) {
    // Not committed: the old files stand; drop the new ones.
    await Promise.all(temps.map((t) => rm(t, { force: true })));
    throw e;
  }
  await finishCommit(journal, hook);
}

/**
 * Completes a commit a killed process left (its journal exists): renames the temporaries still
 * there into place and removes the journal. Returns whether there was one. Call it, holding the
 * output's lock, before removing stale temporaries.
 */
export async function finishCommit(journal: string, hook?: WriteHook): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(journal, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  const dir = dirname(journal);
  let renames: Journal['renames'];
  try {
    ({ renames } = JSON.parse(text) as Journal);
    if (!Array.isArray(renames)) throw new Error('no renames');
  } catch {
    throw new InputError(
      journal,
      'is damaged (the record of an interrupted write of the files beside it); remove it and run the command again',
    );
  }
  for (const [tmp, name] of renames) if (existsSync(join(dir, tmp))) await renameIntoPlace(join(dir, tmp), join(dir, name), hook);
  await rm(journal, { force: true });
  await syncDir(dir);
  return true;
}
