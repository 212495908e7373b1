/** One line for any error that reaches the CLI's boundary: what went wrong and where, never a stack. */
import { InputError } from '../engine/types';

const ERRNO: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
};

export function describeFailure(e: unknown): string {
  if (e instanceof InputError) return e.message;
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === 'string' && ERRNO[err.code]) {
    const path = err.path ?? (err as { dest?: string }).dest;
    // What the writer adds (engine/io/atomic-write.ts): the bytes it needed, and that the file under the name is untouched.
    const note = (err as { note?: string }).note;
    return path ? `${path}: ${ERRNO[err.code]}${note ? ` (${note})` : ''}` : `${ERRNO[err.code]} (${err.message})`;
  }
  const message = e instanceof Error ? e.message : String(e);
  return `${message}\n(an unexpected error inside the lab: rerun with --debug for the stack trace, and please report it)`;
}

/** Adds what to do next (e.g. how to resume) to an error, printed on the line after its message. */
export function withNextStep(e: unknown, line: string): unknown {
  if (e && typeof e === 'object') (e as { nextStep?: string }).nextStep = line;
  return e;
}

export function nextStepOf(e: unknown): string | undefined {
  return e && typeof e === 'object' ? (e as { nextStep?: string }).nextStep : undefined;
}
