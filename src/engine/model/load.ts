/**
 * One loading path for every checkpoint folder (Hub download, dropped folder, local directory, tiny
 * generated model): config.json → ModelSpec, safetensors → fp32 weights under canonical names,
 * tokenizer, editable modules. Every tensor is checked against the shape the config implies.
 */
import { InputError, type FolderSource, type TextTokenizer } from '../types';
import { readFolderJson } from '../io/text';
import { openCheckpointTensors, type LocatedTensor } from '../safetensors/checkpoint';
import { readTensorF32 } from '../safetensors/read';
import { parseConfig } from './config';
import { canonicalTensorName, editableModules, expectedTensors } from './modules';
import type { EditableModule, ModelSpec, Weights } from './spec';
import { loadTokenizer } from './tokenizer';

export interface LoadedModel {
  name: string;
  spec: ModelSpec;
  /** fp32, keyed by canonical names (module paths + `.weight`/`.bias`). */
  weights: Weights;
  tokenizer: TextTokenizer;
  modules: EditableModule[];
  /** Canonical name → name in the checkpoint file (to write an edited checkpoint back in kind). */
  sourceNames: Map<string, string>;
}

export interface LoadOptions {
  /** Display name; default: the repo or folder name. */
  name?: string;
  onProgress?: (done: number, total: number, tensor: string) => void;
}

export async function loadModel(folder: FolderSource, opts: LoadOptions = {}): Promise<LoadedModel> {
  const spec = parseConfig(await readFolderJson(folder, 'config.json', true), `${folder.name}/config.json`);
  const tokenizer = await loadTokenizer(folder, { eosId: spec.eosId });
  if (tokenizer.vocabSize > spec.vocabSize) {
    throw new InputError(
      `${folder.name}/tokenizer.json`,
      `has ${tokenizer.vocabSize} tokens but config.json vocab_size is ${spec.vocabSize}`,
    );
  }
  const { weights, sourceNames } = await loadWeights(folder, spec, opts.onProgress);
  return { name: opts.name ?? displayName(folder.name), spec, weights, tokenizer, modules: editableModules(spec), sourceNames };
}

export async function loadWeights(
  folder: FolderSource,
  spec: ModelSpec,
  onProgress?: LoadOptions['onProgress'],
): Promise<{ weights: Weights; sourceNames: Map<string, string> }> {
  const ckpt = await openCheckpointTensors(folder);
  const byCanonical = new Map<string, LocatedTensor>();
  for (const [name, t] of ckpt.tensors) {
    const canon = canonicalTensorName(spec, name);
    const dup = byCanonical.get(canon);
    if (dup) throw new InputError(`${t.file.name}: tensor '${name}'`, `duplicates '${dup.info.name}'`);
    byCanonical.set(canon, t);
  }
  const expected = expectedTensors(spec);
  const weights: Weights = new Map();
  const sourceNames = new Map<string, string>();
  let done = 0;
  for (const [name, shape] of expected) {
    const t = byCanonical.get(name);
    if (!t) throw new InputError(`${ckpt.files.join(', ')}: tensor '${name}'`, `missing (config.json implies shape [${shape.join(', ')}])`);
    const got = t.info.shape;
    if (got.length !== shape.length || got.some((d, i) => d !== shape[i])) {
      throw new InputError(
        `${t.file.name}: tensor '${t.info.name}'`,
        `has shape [${got.join(', ')}] but config.json implies [${shape.join(', ')}]`,
      );
    }
    weights.set(name, { shape: shape.slice(), data: await readTensorF32(t.file, t.info) });
    sourceNames.set(name, t.info.name);
    onProgress?.(++done, expected.size, name);
  }
  return { weights, sourceNames };
}

function displayName(folderName: string): string {
  const hub = /([^/]+\/[^/]+)\/resolve\/[^/]+\/?$/.exec(folderName);
  if (hub) return hub[1];
  const parts = folderName.replace(/\/+$/, '').split('/');
  return parts[parts.length - 1] || folderName;
}
