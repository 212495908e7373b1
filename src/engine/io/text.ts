/** Whole-file reads for the small text files of a checkpoint (configs, tokenizer, index). */
import { InputError, type FileSource, type FolderSource } from '../types';

export async function readAllBytes(file: FileSource): Promise<Uint8Array> {
  return file.read(0, await file.size());
}

export async function readText(file: FileSource): Promise<string> {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(await readAllBytes(file));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(file.name, `is not valid UTF-8 text (${(e as Error).message})`);
  }
}

export async function readJson(file: FileSource): Promise<unknown> {
  const text = await readText(file);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(file.name, `is not valid JSON (${(e as Error).message})`);
  }
}

/** The JSON object in `path` of the folder; null when the file is absent and not required. */
export async function readFolderJson(folder: FolderSource, path: string, required: true): Promise<Record<string, unknown>>;
export async function readFolderJson(folder: FolderSource, path: string, required: false): Promise<Record<string, unknown> | null>;
export async function readFolderJson(folder: FolderSource, path: string, required: boolean): Promise<Record<string, unknown> | null> {
  const file = await folder.open(path);
  if (!file) {
    if (required) throw new InputError(`${folder.name}/${path}`, 'file not found');
    return null;
  }
  const json = await readJson(file);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new InputError(file.name, 'is not a JSON object');
  return json as Record<string, unknown>;
}
