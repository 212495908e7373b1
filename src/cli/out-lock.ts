/**
 * One process per output: a lock file created exclusively, holding the owner's PID. A second run on
 * the same --out is refused while the owner lives; a lock left by a killed process (its PID gone) is
 * taken over with a message.
 */
import { rmSync } from 'node:fs';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { removeStaleTemporaries } from '../engine/io/atomic-write';
import { InputError } from '../engine/types';

export interface OutLock {
  readonly path: string;
  release(): Promise<void>;
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
    await fh.writeFile(`${process.pid}\n`);
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
  await mkdir(dirname(lockPath), { recursive: true });
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
        },
      };
    }
    const text = await readFile(lockPath, 'utf8').catch(() => '');
    const pid = Number(text.trim());
    if (alive(pid) && pid !== process.pid)
      throw new InputError(
        what,
        `is in use by another run (process ${pid}, lock ${lockPath}); wait for it to finish, or choose another --out`,
      );
    if (attempt === 0) {
      warn(`${what}: taking over the lock ${lockPath} left by process ${text.trim() || '(unknown)'}, which is no longer running`);
      await rm(lockPath, { force: true });
    }
  }
  throw new InputError(what, `another run took the lock ${lockPath} at the same moment; try again`);
}

/**
 * Runs `work` holding the lock of an output file (`<file>.lock` beside it), after removing the
 * temporaries killed writers left for it and for the `companions` written beside it.
 */
export async function withFileLock<T>(flag: string, file: string, work: () => Promise<T>, companions: string[] = []): Promise<T> {
  const lock = await acquireLock(`${file}.lock`, `--${flag} ${file}`, (m) => process.stderr.write(`warning: ${m}\n`));
  try {
    await removeStaleTemporaries(
      dirname(file),
      [file, ...companions].map((p) => basename(p)),
    );
    return await work();
  } finally {
    await lock.release();
  }
}
