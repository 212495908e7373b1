/**
 * The tensors of a checkpoint folder, single-file (`model.safetensors`) or sharded
 * (`model.safetensors.index.json` → weight_map of tensor → shard file). Only headers are read here.
 */
import { InputError, type FileSource, type FolderSource } from '../types';
import { readFolderJson } from '../io/text';
import { readSafetensorsHeader, type TensorInfo } from './header';

export const SINGLE_FILE = 'model.safetensors';
export const INDEX_FILE = 'model.safetensors.index.json';

export interface LocatedTensor {
  file: FileSource;
  info: TensorInfo;
}

export interface CheckpointTensors {
  tensors: Map<string, LocatedTensor>;
  /** Files read, in order (for messages). */
  files: string[];
}

export async function openCheckpointTensors(folder: FolderSource): Promise<CheckpointTensors> {
  const index = await readFolderJson(folder, INDEX_FILE, false);
  if (index) return openSharded(folder, index);
  const file = await folder.open(SINGLE_FILE);
  if (!file) throw new InputError(folder.name, `no ${SINGLE_FILE} or ${INDEX_FILE} (only safetensors checkpoints are supported)`);
  const header = await readSafetensorsHeader(file);
  const tensors = new Map<string, LocatedTensor>();
  for (const info of header.tensors.values()) tensors.set(info.name, { file, info });
  return { tensors, files: [file.name] };
}

async function openSharded(folder: FolderSource, index: Record<string, unknown>): Promise<CheckpointTensors> {
  const where = `${folder.name}/${INDEX_FILE}`;
  const map = index.weight_map;
  if (map === null || typeof map !== 'object' || Array.isArray(map)) throw new InputError(where, 'has no weight_map object');
  const shardOf = new Map<string, string>();
  for (const [tensor, shard] of Object.entries(map as Record<string, unknown>)) {
    if (typeof shard !== 'string' || shard.includes('..') || shard.startsWith('/')) {
      throw new InputError(`${where}: tensor '${tensor}'`, `shard ${JSON.stringify(shard)} is not a file name in the folder`);
    }
    shardOf.set(tensor, shard);
  }
  const headers = new Map<string, { file: FileSource; tensors: Map<string, TensorInfo> }>();
  for (const shard of new Set(shardOf.values())) {
    const file = await folder.open(shard);
    if (!file) throw new InputError(`${folder.name}/${shard}`, `shard listed in ${INDEX_FILE} is missing`);
    headers.set(shard, { file, tensors: (await readSafetensorsHeader(file)).tensors });
  }
  const tensors = new Map<string, LocatedTensor>();
  for (const [tensor, shard] of shardOf) {
    const h = headers.get(shard)!;
    const info = h.tensors.get(tensor);
    if (!info) throw new InputError(`${h.file.name}: tensor '${tensor}'`, `listed in ${INDEX_FILE} but not in the shard`);
    tensors.set(tensor, { file: h.file, info });
  }
  return { tensors, files: [...headers.values()].map((h) => h.file.name) };
}
