/**
 * A full disk on demand, for the fault suite (src/cli/faults/) on machines that cannot mount a small
 * tmpfs: with STABLEEDIT_DISK_FULL_AT="<file name>#<n>" the disk "fills" half-way through the n-th
 * write of that file (1-based) — the write is cut short as write(2) cuts it on a full file system, and
 * every later write of the process gets ENOSPC, as on a disk that stays full. Unset, this does nothing.
 * Read on every write, so a test in this process can set and clear it.
 */
import { basename } from 'node:path';

let armedFor: string | undefined;
let seen = new Map<string, number>();
let full = false;

/**
 * How many of `length` bytes of a write to `path` the disk takes (the rest is refused, as a short
 * write); call once per write call.
 */
export function injectedRoom(path: string, length: number, firstChunkOfFile: boolean): number {
  const spec = process.env.STABLEEDIT_DISK_FULL_AT;
  if (spec !== armedFor) [armedFor, seen, full] = [spec, new Map(), false];
  const m = /^(.+)#(\d+)$/.exec(spec ?? '');
  if (!m) return length;
  if (full) return 0;
  const name = basename(path);
  if (firstChunkOfFile && name === m[1]) {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    if (n === Number(m[2])) {
      full = true;
      return length >> 1;
    }
  }
  return length;
}
