/**
 * The loaded model's identity for a hypernetwork (docs/design.md §8): the fingerprint the CLI's
 * train-editor records (model/fingerprint.ts, over the files a model folder is loaded from) and the
 * model's shape. The page has no folder listing for a URL model (the demo, the Hub), so it hashes
 * the model files its load opened, plus the other model-file names a folder may hold
 * (MODEL_FILE) that exist; the same files give the CLI's number. Computed once per model, on first
 * use: a network is what needs it, and hashing reads every weight file again.
 */
import type { ModelIdentity } from '../editors/hypernet/network-file';
import { combineFileHashes, MODEL_FILE } from '../model/fingerprint';
import { sha256Hex } from '../run/checkpoint-seal';
import type { FolderSource } from '../types';
import type { Model } from './lab-state';

/** The folder with the paths its opens found, for the fingerprint after the load. */
export function recordingFolder(folder: FolderSource): { folder: FolderSource; opened: Set<string> } {
  const opened = new Set<string>();
  return {
    opened,
    folder: {
      name: folder.name,
      async open(path) {
        const f = await folder.open(path);
        if (f) opened.add(path);
        return f;
      },
    },
  };
}

/** Model files a folder may hold besides those a load opens (the tokenizer's side files). */
const OPTIONAL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'];

export async function folderFingerprint(folder: FolderSource, opened: ReadonlySet<string>): Promise<string> {
  const names = [...new Set([...opened, ...OPTIONAL_FILES])].filter((n) => !n.includes('/') && MODEL_FILE.test(n));
  const files = [];
  for (const name of names) {
    const f = await folder.open(name);
    if (f) files.push({ name, sha256: await sha256Hex(await f.read(0, await f.size())) });
  }
  return combineFileHashes(files);
}

export async function modelIdentity(m: Model): Promise<ModelIdentity> {
  m.fingerprint ??= folderFingerprint(m.folder, m.opened);
  const s = m.loaded.spec;
  return { fingerprint: await m.fingerprint, arch: s.arch, layers: s.layers, hidden: s.hidden, vocab: s.vocabSize };
}
