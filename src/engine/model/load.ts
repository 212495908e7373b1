/**
 * One loading path for every checkpoint folder (Hub download, dropped folder, local directory, tiny
 * generated model): config.json → ModelSpec, safetensors → fp32 weights under canonical names,
 * tokenizer, editable modules. Every tensor is checked against the shape the config implies and for
 * NaN/Infinity (named at load, not found later as a 0% evaluation or a NaN loss).
 */
import { InputError, type FolderSource, type TextTokenizer } from '../types';
import { readFolderJson } from '../io/text';
import { openCheckpointTensors, type LocatedTensor } from '../safetensors/checkpoint';
import { readTensorF16, readTensorF32 } from '../safetensors/read';
import { parseConfig } from './config';
import { roundToDtype } from './config-gemma';
import { canonicalTensorName, editableModules, embeddingWeightName, expectedTensors } from './modules';
import type { EditableModule, HeldWeights, ModelSpec, Weights } from './spec';
import { loadTokenizer } from './tokenizer';

/** W: fp32 weights (the default), or HeldWeights when loaded with frozen16. */
export interface LoadedModel<W extends HeldWeights = Weights> {
  name: string;
  spec: ModelSpec;
  /**
   * Keyed by canonical names (module paths + `.weight`/`.bias`): fp32, or — with LoadOptions.frozen16 —
   * fp16 bits for the frozen tensors of an F16/BF16 checkpoint that fp16 holds exactly.
   */
  weights: W;
  /** With frozen16: the 16-bit tensors kept in fp32 because of their values, and why (the first value fp16 cannot hold). */
  fp32Reasons: Map<string, string>;
  tokenizer: TextTokenizer;
  modules: EditableModule[];
  /** Canonical name → name in the checkpoint file (to write an edited checkpoint back in kind). */
  sourceNames: Map<string, string>;
  /** Checkpoint tensors config.json does not use (e.g. layers past num_hidden_layers), for a warning. */
  unusedTensors: string[];
}

export interface LoadOptions {
  /** Display name; default: the repo or folder name. */
  name?: string;
  onProgress?: (done: number, total: number, tensor: string) => void;
  /**
   * Hold every frozen tensor of an F16/BF16 checkpoint as fp16 bits, read without an fp32 copy
   * (docs/design.md §4): the editable modules' weights stay fp32 (the editors write them), and so
   * does a tensor with a value fp16 cannot hold exactly (its reason in fp32Reasons).
   */
  frozen16?: boolean;
}

export async function loadModel(folder: FolderSource, opts?: LoadOptions & { frozen16?: false }): Promise<LoadedModel>;
export async function loadModel(folder: FolderSource, opts: LoadOptions): Promise<LoadedModel<HeldWeights>>;
export async function loadModel(folder: FolderSource, opts: LoadOptions = {}): Promise<LoadedModel<HeldWeights>> {
  const spec = parseConfig(await readFolderJson(folder, 'config.json', true), `${folder.name}/config.json`);
  const tokenizer = await loadTokenizer(folder, { eosId: spec.eosId });
  // Only special tokens may lie past the embedding (a text model's tokenizer shared with its image-text sibling).
  const past = Array.from({ length: Math.max(0, tokenizer.vocabSize - spec.vocabSize) }, (_, i) => spec.vocabSize + i);
  if (past.some((id) => !tokenizer.specialIds?.has(id))) {
    throw new InputError(
      `${folder.name}/tokenizer.json`,
      `has ${tokenizer.vocabSize} tokens but config.json vocab_size is ${spec.vocabSize}`,
    );
  }
  const modules = editableModules(spec);
  const frozen16 = opts.frozen16 ? new Set(modules.map((m) => m.weight)) : undefined;
  const { weights, sourceNames, unusedTensors, fp32Reasons, dtypes } = await loadWeights(folder, spec, opts.onProgress, frozen16);
  // Gemma scales the embeddings by √hidden cast to the embedding's dtype (config-gemma.ts): the file's dtype decides.
  const embDtype = dtypes.get(embeddingWeightName(spec));
  const scaled = spec.embedScale !== undefined && embDtype ? { ...spec, embedScale: roundToDtype(Math.sqrt(spec.hidden), embDtype) } : spec;
  return {
    name: opts.name ?? displayName(folder.name),
    spec: scaled,
    weights,
    tokenizer,
    modules,
    sourceNames,
    unusedTensors,
    fp32Reasons,
  };
}

export async function loadWeights(
  folder: FolderSource,
  spec: ModelSpec,
  onProgress?: LoadOptions['onProgress'],
  /** When given, frozen 16-bit tensors are held as fp16 bits, all but these (kept fp32). */
  keepFp32?: ReadonlySet<string>,
): Promise<{
  weights: HeldWeights;
  sourceNames: Map<string, string>;
  unusedTensors: string[];
  fp32Reasons: Map<string, string>;
  /** Each tensor's dtype in the file. */
  dtypes: Map<string, string>;
}> {
  const ckpt = await openCheckpointTensors(folder);
  const byCanonical = new Map<string, LocatedTensor>();
  for (const [name, t] of ckpt.tensors) {
    const canon = canonicalTensorName(spec, name);
    const dup = byCanonical.get(canon);
    if (dup) throw new InputError(`${t.file.name}: tensor '${name}'`, `duplicates '${dup.info.name}'`);
    byCanonical.set(canon, t);
  }
  const expected = expectedTensors(spec);
  const weights: HeldWeights = new Map();
  const sourceNames = new Map<string, string>();
  const fp32Reasons = new Map<string, string>();
  const dtypes = new Map<string, string>();
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
    dtypes.set(name, t.info.dtype);
    const sixteen = t.info.dtype === 'F16' || t.info.dtype === 'BF16';
    if (keepFp32 && sixteen && !keepFp32.has(name)) {
      const half = await readTensorF16(t.file, t.info);
      if (half.data) {
        weights.set(name, { shape: shape.slice(), data: half.data, shift: half.shift });
        sourceNames.set(name, t.info.name);
        onProgress?.(++done, expected.size, name);
        continue;
      }
      fp32Reasons.set(name, half.reason);
    }
    const data = await readTensorF32(t.file, t.info);
    const bad = firstNonFinite(data);
    if (bad >= 0)
      throw new InputError(
        `${t.file.name}: tensor '${t.info.name}'`,
        `holds a non-finite value (${data[bad]} at element ${bad}${countNonFinite(data) > 1 ? `, ${countNonFinite(data)} in all` : ''}); the checkpoint is damaged or was saved after training diverged`,
      );
    weights.set(name, { shape: shape.slice(), data });
    sourceNames.set(name, t.info.name);
    onProgress?.(++done, expected.size, name);
  }
  const unusedTensors = [...byCanonical.entries()].filter(([canon]) => !expected.has(canon)).map(([, t]) => t.info.name);
  return { weights, sourceNames, unusedTensors, fp32Reasons, dtypes };
}

/** Index of the first NaN or ±Infinity, or −1. */
export function firstNonFinite(data: Float32Array): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return i;
  return -1;
}

function countNonFinite(data: Float32Array): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) n++;
  return n;
}

function displayName(folderName: string): string {
  const hub = /([^/]+\/[^/]+)\/resolve\/[^/]+\/?$/.exec(folderName);
  if (hub) return hub[1];
  const parts = folderName.replace(/\/+$/, '').split('/');
  return parts[parts.length - 1] || folderName;
}
