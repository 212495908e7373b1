/**
 * `run --hypernet DIR`: a trained hypernetwork (editors/hypernet/network-file.ts) for this model and
 * these modules, or a clear refusal saying what differs; its files checked against the SHA-256 the
 * description recorded.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  decodeNetwork,
  NETWORK_FILE,
  NETWORK_JSON,
  networkMismatch,
  type NetworkDescription,
} from '../engine/editors/hypernet/network-file';
import type { RLEditNetwork } from '../engine/editors/hypernet/rledit-network';
import { nodeFile } from '../engine/io/node-files';
import type { LoadedModel } from '../engine/model/load';
import type { HeldWeights } from '../engine/model/spec';
import { fileSha256 } from './fingerprint';
import { str, type Flags } from './args';
import { checkInputDir, checkInputFile } from './paths';
import { InputError } from '../engine/types';

export async function loadHypernetFlag(
  flags: Flags,
  model: LoadedModel<HeldWeights>,
  modelFingerprint: string,
  modules: readonly string[],
  editor: string,
): Promise<{ net: RLEditNetwork; sha256: string }> {
  const dir = str(flags, 'hypernet');
  const where = `--hypernet ${dir}`;
  await checkInputDir('hypernet', dir, `a trained network (${NETWORK_JSON}, ${NETWORK_FILE})`);
  const jsonPath = join(dir, NETWORK_JSON);
  const filePath = join(dir, NETWORK_FILE);
  await checkInputFile('hypernet', jsonPath);
  await checkInputFile('hypernet', filePath);
  let desc: NetworkDescription;
  try {
    desc = JSON.parse(await readFile(jsonPath, 'utf8')) as NetworkDescription;
  } catch (e) {
    throw new InputError(jsonPath, `is not valid JSON (${(e as Error).message})`);
  }
  if (!desc || typeof desc !== 'object' || !desc.model || !Array.isArray(desc.modules))
    throw new InputError(jsonPath, 'is not a hypernetwork description (no model or modules)');
  const mods = modules.map((name) => model.modules.find((m) => m.name === name)!);
  const identity = {
    fingerprint: modelFingerprint,
    arch: model.spec.arch,
    layers: model.spec.layers,
    hidden: model.spec.hidden,
    vocab: model.spec.vocabSize,
  };
  const differs = networkMismatch(desc, identity, mods);
  if (desc.editor !== editor) differs.unshift(`editor: a ${desc.editor} network, this run is --editor ${editor}`);
  if (differs.length) throw new InputError(where, `was trained for another model or modules; what differs: ${differs.join('; ')}`);
  const sha256 = await fileSha256(filePath);
  if (sha256 !== desc.sha256)
    throw new InputError(
      filePath,
      `has SHA-256 ${sha256.slice(0, 12)}…, but ${NETWORK_JSON} records ${String(desc.sha256).slice(0, 12)}…: altered or from another training`,
    );
  return { net: await decodeNetwork(nodeFile(filePath), desc, where), sha256 };
}
