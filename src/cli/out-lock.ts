/**
 * One process per output: a lock file created exclusively, holding the owner's PID and, where the
 * system says (Linux's /proc), when that process started. A second run on the same --out is refused
 * while the owner lives; a lock whose process is gone, or whose PID now belongs to another program
 * (the PID was reused: a different start time, or a process that is not a stableedit-lab run), is taken
 * over with a message. A folder the lock created is removed again on release when nothing was written
 * into it (a refused run leaves no empty --out behind).
 */
import { readFileSync, rmSync } from 'node:fs';
import { lstat, mkdir, open, readFile, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { removeStaleTemporaries } from '../engine/io/atomic-write';
import { commitJournalFor, finishCommit } from '../engine/io/commit-together';
import { InputError } from '../engine/types';

export interface OutLock {
  readonly path: string;
  release(): Promise<void>;
}

/** A process's start time in clock ticks since boot (/proc/<pid>/stat field 22), or null where unknown. */
function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** Whether process `pid` is a stableedit-lab run: null where the system cannot say. */
function isLabProcess(pid: number): boolean | null {
  try {
    return /stableedit-lab|src\/cli\/main/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return null;
  }
}

interface LockOwner {
  pid: number;
  started: string | null;
}

function parseLock(text: string): LockOwner {
  const [pid, started] = text.trim().split(/\s+/);
  return { pid: Number(pid), started: started ?? null };
}

/** Why the live process a lock names is not its owner any more, or null when it is (or may be). */
function reusedPid(owner: LockOwner): string | null {
  const now = startTime(owner.pid);
  if (owner.started !== null && now !== null && now !== owner.started)
    return `process ${owner.pid} is running, but it started after the lock was taken (its PID was reused)`;
  if (owner.started === null && isLabProcess(owner.pid) === false)
    return `process ${owner.pid} is running, but it is not a stableedit-lab run (its PID was reused)`;
  return null;
}

function alive(pid: number): boolean {
  if (!(Number.isInteger(pid) && pid > 0)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    const fh = await open(path, 'wx');
    const started = startTime(process.pid);
    await fh.writeFile(`${process.pid}${started === null ? '' : ` ${started}`}\n`);
    await fh.close();
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/**
 * Takes the lock at `lockPath` for the output `what` (a flag and path, for messages). `warn` gets the
 * stale-lock notice.
 */
export async function acquireLock(lockPath: string, what: string, warn: (m: string) => void): Promise<OutLock> {
  await mustBeAFileIfThere(what, lockPath);
  const created = await mkdir(dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await tryCreate(lockPath)) {
      let released = false;
      // An error path that skips release() still drops the lock when the process exits.
      const releaseSync = () => {
        if (released) return;
        released = true;
        rmSync(lockPath, { force: true });
      };
      process.once('exit', releaseSync);
      return {
        path: lockPath,
        async release() {
          if (released) return;
          released = true;
          process.off('exit', releaseSync);
          await rm(lockPath, { force: true });
          if (created) await removeEmptyFolders(dirname(lockPath), created);
        },
      };
    }
    const text = await readFile(lockPath, 'utf8').catch(() => '');
    const owner = parseLock(text);
    const { pid } = owner;
    const reused = alive(pid) && pid !== process.pid ? reusedPid(owner) : null;
    if (alive(pid) && pid !== process.pid && reused === null)
      throw new InputError(
        what,
        `is in use by another run (process ${pid}, lock ${lockPath}); wait for it to finish, stop it (kill -INT ${pid}: it stops at the end of its turn and releases the lock), or choose another --out. If process ${pid} is not a stableedit-lab run, delete ${lockPath}`,
      );
    if (attempt === 0) {
      warn(
        `${what}: taking over the lock ${lockPath} left by process ${Number.isFinite(pid) && pid > 0 ? pid : '(unknown)'}, ${reused ?? 'which is no longer running'}`,
      );
      await rm(lockPath, { force: true });
    }
  }
  throw new InputError(what, `another run took the lock ${lockPath} at the same moment; try again`);
}

/** An output name the lab writes a file under must not be a directory (or anything but a file) already. */
export async function mustBeAFileIfThere(where: string, path: string): Promise<void> {
  const s = await lstat(path).catch(() => null);
  if (s && !s.isFile())
    throw new InputError(
      where,
      `${path} is ${s.isDirectory() ? 'a directory' : 'not a regular file'}, and the lab writes a file under that name: move or remove it, or choose another --out`,
    );
}

/** Removes `dir` and its parents up to `top` (the first folder the lock created) while they are empty. */
async function removeEmptyFolders(dir: string, top: string): Promise<void> {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (
      (await rmdir(d).then(
        () => true,
        () => false,
      )) === false
    )
      return;
    if (d === resolve(top) || dirname(d) === d) return;
  }
}

/**
 * Runs `work` holding the lock of an output file (`<file>.lock` beside it), after finishing a commit
 * a killed process left for it (commit-together.ts) and removing the temporaries killed writers left
 * for it, for the `companions` written beside it and for its commit journal.
 */
export async function withFileLock<T>(flag: string, file: string, work: () => Promise<T>, companions: string[] = []): Promise<T> {
  const where = `--${flag} ${file}`;
  for (const p of [file, ...companions, commitJournalFor(file)]) await mustBeAFileIfThere(where, p);
  const lock = await acquireLock(`${file}.lock`, where, (m) => process.stderr.write(`warning: ${m}\n`));
  try {
    await finishCommit(commitJournalFor(file));
    await removeStaleTemporaries(
      dirname(file),
      [file, ...companions, commitJournalFor(file)].map((p) => basename(p)),
    );
    return await work();
  } finally {
    await lock.release();
  }
}
