/** Writes a tiny generated checkpoint to a directory (tests, CLI demos). */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tinyCheckpoint, type TinyOptions } from './generate-tiny';

export async function writeTinyCheckpoint(dir: string, opts: TinyOptions): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [name, data] of tinyCheckpoint(opts)) await writeFile(join(dir, name), data);
  return dir;
}
