/** JSON Lines files a run appends to, cut back to a checkpoint's count on resume (docs/design.md §2, "records streamed"). */
import { closeSync, existsSync, openSync, readSync, truncateSync } from 'node:fs';

/**
 * Cuts `path` back to its first `n` lines, reading it a MiB at a time; returns false (and leaves the
 * file alone) when it holds fewer than `n` whole lines. A missing file holds none.
 */
export function cutToLines(path: string, n: number): boolean {
  if (n === 0) {
    if (existsSync(path)) truncateSync(path, 0);
    return true;
  }
  if (!existsSync(path)) return false;
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(1 << 20);
  let lines = 0;
  let offset = 0;
  let end = -1;
  try {
    for (;;) {
      const got = readSync(fd, buf, 0, buf.length, offset);
      if (got === 0) break;
      for (let at = buf.indexOf(0x0a); at >= 0 && at < got; at = buf.indexOf(0x0a, at + 1))
        if (++lines === n) {
          end = offset + at + 1;
          break;
        }
      if (end >= 0) break;
      offset += got;
    }
  } finally {
    closeSync(fd);
  }
  if (end < 0) return false;
  truncateSync(path, end);
  return true;
}
