/**
 * What a run's checkpoint belongs to, beyond its settings: the SHA-256 of the model's files, of the
 * data and warm-up files, and the flags that change the numbers without being run settings. Stored in
 * the checkpoint (LifelongRun's `fingerprint`) and compared when a run resumes.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { combineFileHashes, MODEL_FILE } from '../engine/model/fingerprint';

export async function fileSha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export async function folderSha256(dir: string): Promise<string> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && MODEL_FILE.test(e.name))
    .map((e) => e.name)
    .sort();
  const files = [];
  for (const name of names) files.push({ name, sha256: await fileSha256(join(dir, name)) });
  return combineFileHashes(files);
}
