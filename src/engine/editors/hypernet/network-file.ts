/**
 * A trained hypernetwork on disk (docs/design.md §8): `network.safetensors` (every parameter and
 * normalizer statistic in F64, under the reference's state_dict names prefixed by the shape,
 * `<dIn>x<dOut>.blocks.0.A` …, `<dIn>x<dOut>.normalizer.var` = the running M2) and `hypernet.json`
 * naming the editor, the model it was trained on (fingerprint and shape), the edited modules with
 * their shapes and indices, the settings and the training it came from. A network meets a run only
 * where every one of those agrees; `networkMismatch` says what differs.
 */
import { encodeSafetensors, type TensorToWrite } from '../../safetensors/encode';
import { readSafetensorsHeader } from '../../safetensors/header';
import { readTensorF64 } from '../../safetensors/read';
import { InputError, type FileSource } from '../../types';
import { paramArrays, shapeSize, type RLEditParams } from './rledit-net';
import { createNetwork, networkModules, type NetworkModule, type RLEditNetwork } from './rledit-network';
import { HYPERNET_EDITOR_NAMES, rleditSettings, type HypernetEditorName, type RLEditSettings } from './rledit-settings';

export const NETWORK_FILE = 'network.safetensors';
export const NETWORK_JSON = 'hypernet.json';
const FORMAT = 'stableedit-lab hypernetwork';

export interface ModelIdentity {
  /** SHA-256 of the model folder (cli/fingerprint.ts folderSha256). */
  fingerprint: string;
  arch: string;
  layers: number;
  hidden: number;
  vocab: number;
}

export interface NetworkDescription {
  format: typeof FORMAT;
  version: 1;
  editor: HypernetEditorName;
  model: ModelIdentity;
  modules: NetworkModule[];
  settings: RLEditSettings;
  /** How it was trained (data fingerprint, records, turns, epochs, seconds…): for the reader. */
  training: Record<string, unknown>;
  /** SHA-256 of network.safetensors. */
  sha256: string;
}

function paramShapes(p: RLEditParams, S: number, rank: number, M: number): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  for (const [name] of paramArrays(p)) {
    if (name.endsWith('.A')) shapes[name] = [S, rank];
    else if (name.endsWith('.B')) shapes[name] = [rank, S];
    else if (name.endsWith('.bias')) shapes[name] = [S];
    else if (name.endsWith('.scale.weight') || name.endsWith('.shift.weight')) shapes[name] = [M, S];
    else shapes[name] = [M, 1];
  }
  return shapes;
}

export function encodeNetwork(net: RLEditNetwork): Uint8Array {
  const tensors: Record<string, TensorToWrite> = {};
  for (const [key, sn] of Object.entries(net.shapes)) {
    const S = shapeSize(sn.shape);
    const shapes = paramShapes(sn.params, S, sn.shape.rank, sn.shape.modules);
    for (const [name, data] of paramArrays(sn.params)) tensors[`${key}.${name}`] = { dtype: 'F64', shape: shapes[name], data };
    tensors[`${key}.normalizer.n`] = { dtype: 'F64', shape: [1], data: [sn.norm.n] };
    tensors[`${key}.normalizer.mean`] = { dtype: 'F64', shape: [S], data: sn.norm.mean };
    tensors[`${key}.normalizer.var`] = { dtype: 'F64', shape: [S], data: sn.norm.m2 };
  }
  return encodeSafetensors(tensors, { format: FORMAT, editor: net.settings.editor });
}

/** The network from its two files, every tensor checked against what the description implies. */
export async function decodeNetwork(file: FileSource, desc: NetworkDescription, where: string): Promise<RLEditNetwork> {
  if (desc.format !== FORMAT || desc.version !== 1)
    throw new InputError(where, `${NETWORK_JSON} is not a ${FORMAT} (version 1) description`);
  if (!HYPERNET_EDITOR_NAMES.includes(desc.editor) || desc.settings?.editor !== desc.editor)
    throw new InputError(where, `holds a network of editor "${desc.editor}"; networks of ${HYPERNET_EDITOR_NAMES.join(', ')} are read`);
  const settings = rleditSettings(desc.settings);
  // The layout from a rank-1 network of the same modules; every array is then replaced by the file's.
  const net = createNetwork(networkModules(desc.modules), { ...settings, rank: 1 });
  net.settings = settings;
  const header = await readSafetensorsHeader(file);
  const read = async (name: string, shape: number[]): Promise<Float64Array> => {
    const info = header.tensors.get(name);
    if (!info) throw new InputError(file.name, `has no tensor ${name}`);
    if (info.dtype !== 'F64' || JSON.stringify(info.shape) !== JSON.stringify(shape))
      throw new InputError(file.name, `tensor ${name} is ${info.dtype} [${info.shape.join(', ')}], expected F64 [${shape.join(', ')}]`);
    return readTensorF64(file, info);
  };
  for (const [key, sn] of Object.entries(net.shapes)) {
    sn.shape.rank = settings.rank;
    const S = shapeSize(sn.shape);
    const shapes = paramShapes(sn.params, S, settings.rank, sn.shape.modules);
    const p = sn.params;
    for (const [i, b] of p.blocks.entries()) {
      b.A = await read(`${key}.blocks.${i}.A`, shapes[`blocks.${i}.A`]);
      b.B = await read(`${key}.blocks.${i}.B`, shapes[`blocks.${i}.B`]);
      b.bias = await read(`${key}.blocks.${i}.bias`, shapes[`blocks.${i}.bias`]);
      b.scale = await read(`${key}.blocks.${i}.scale.weight`, shapes[`blocks.${i}.scale.weight`]);
      b.shift = await read(`${key}.blocks.${i}.shift.weight`, shapes[`blocks.${i}.shift.weight`]);
    }
    p.lr = await read(`${key}.lr.weight`, [sn.shape.modules, 1]);
    p.lamda = await read(`${key}.lamda.weight`, [sn.shape.modules, 1]);
    sn.norm = {
      n: (await read(`${key}.normalizer.n`, [1]))[0],
      mean: await read(`${key}.normalizer.mean`, [S]),
      m2: await read(`${key}.normalizer.var`, [S]),
    };
  }
  return net;
}

/**
 * What differs between the model and modules a network was trained for and a run's, one phrase per
 * difference; empty when the network fits.
 */
export function networkMismatch(
  desc: Pick<NetworkDescription, 'model' | 'modules'>,
  model: ModelIdentity,
  modules: readonly { name: string; dIn: number; dOut: number }[],
): string[] {
  const out: string[] = [];
  const m = desc.model;
  for (const k of ['arch', 'layers', 'hidden', 'vocab'] as const)
    if (m[k] !== model[k]) out.push(`model ${k}: ${m[k]} in the network, ${model[k]} here`);
  if (m.fingerprint !== model.fingerprint)
    out.push(
      `model files: SHA-256 ${m.fingerprint.slice(0, 12)}… in the network, ${model.fingerprint.slice(0, 12)}… here (another model or other weights)`,
    );
  const trained = desc.modules.map((x) => x.name).join(',');
  const asked = modules.map((x) => x.name).join(',');
  if (trained !== asked) out.push(`modules: trained for ${trained}, this run edits ${asked} (same modules in the same order)`);
  else
    desc.modules.forEach((x, i) => {
      const y = modules[i];
      if (x.dIn !== y.dIn || x.dOut !== y.dOut)
        out.push(`module ${x.name}: [${x.dIn}, ${x.dOut}] in the network, [${y.dIn}, ${y.dOut}] here`);
    });
  return out;
}
