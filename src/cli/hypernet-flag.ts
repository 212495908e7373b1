/**
 * `run --hypernet DIR`: a trained hypernetwork (editors/hypernet/network-file.ts) for this model and
 * these modules, or a clear refusal saying what differs (editors/hypernet/network-open.ts, the check
 * the page uses too); its files checked against the SHA-256 the description recorded.
 */
import { join } from 'node:path';
import { NETWORK_FILE, NETWORK_JSON } from '../engine/editors/hypernet/network-file';
import { openNetwork } from '../engine/editors/hypernet/network-open';
import type { RLEditNetwork } from '../engine/editors/hypernet/rledit-network';
import { nodeFile } from '../engine/io/node-files';
import type { LoadedModel } from '../engine/model/load';
import type { HeldWeights } from '../engine/model/spec';
import { str, type Flags } from './args';
import { checkInputDir, checkInputFile } from './paths';

export async function loadHypernetFlag(
  flags: Flags,
  model: LoadedModel<HeldWeights>,
  modelFingerprint: string,
  modules: readonly string[],
  editor: string,
): Promise<{ net: RLEditNetwork; sha256: string }> {
  const dir = str(flags, 'hypernet');
  await checkInputDir('hypernet', dir, `a trained network (${NETWORK_JSON}, ${NETWORK_FILE})`);
  const jsonPath = join(dir, NETWORK_JSON);
  const filePath = join(dir, NETWORK_FILE);
  await checkInputFile('hypernet', jsonPath);
  await checkInputFile('hypernet', filePath);
  const identity = {
    fingerprint: modelFingerprint,
    arch: model.spec.arch,
    layers: model.spec.layers,
    hidden: model.spec.hidden,
    vocab: model.spec.vocabSize,
  };
  const mods = modules.map((name) => model.modules.find((m) => m.name === name)!);
  const { net, sha256 } = await openNetwork(
    { json: nodeFile(jsonPath), weights: nodeFile(filePath) },
    { identity, modules: mods, editor },
    `--hypernet ${dir}`,
  );
  return { net, sha256 };
}
