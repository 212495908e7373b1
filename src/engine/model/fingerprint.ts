/**
 * A model's fingerprint (docs/design.md §8): the SHA-256 over the sorted names and SHA-256s of the
 * files a model is loaded from. A trained hypernetwork records it (network-file.ts) and a run meets
 * only the model it was trained on. One definition for the CLI (a folder on disk, cli/fingerprint.ts)
 * and the page (the files its load opened, lab/model-fingerprint.ts), so a network trained by one
 * is accepted by the other for the same files.
 */
import { sha256Hex } from '../run/checkpoint-seal';

/** The files a model folder is loaded from (loadModel); other files in the folder do not matter. */
export const MODEL_FILE = /^(config\.json|tokenizer(_config)?\.json|special_tokens_map\.json|.*\.safetensors(\.index\.json)?)$/;

/** The fingerprint from each file's name (no folder) and SHA-256. */
export async function combineFileHashes(files: readonly { name: string; sha256: string }[]): Promise<string> {
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return sha256Hex(new TextEncoder().encode(sorted.map((f) => `${f.name}\0${f.sha256}\n`).join('')));
}
