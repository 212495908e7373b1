/**
 * Opening a trained hypernetwork for a run (docs/design.md §8): its description read and checked,
 * the run's model, modules and editor compared with the ones it was trained for (`networkRefusal`,
 * one phrase per difference), its weights checked against the SHA-256 the description recorded,
 * then decoded. The CLI (`run --hypernet DIR`) and the page (an imported or trained network) open
 * networks through here, so both refuse the same networks with the same words.
 */
import { sha256Hex } from '../../run/checkpoint-seal';
import { InputError, type FileSource } from '../../types';
import { decodeNetwork, NETWORK_JSON, networkMismatch, type ModelIdentity, type NetworkDescription } from './network-file';
import type { RLEditNetwork } from './rledit-network';

/** What a run offers a network: the model, the modules it edits (in order) and the editor. */
export interface NetworkTarget {
  identity: ModelIdentity;
  modules: readonly { name: string; dIn: number; dOut: number }[];
  editor: string;
}

export async function readNetworkDescription(json: FileSource): Promise<NetworkDescription> {
  let desc: NetworkDescription;
  try {
    desc = JSON.parse(new TextDecoder().decode(await json.read(0, await json.size()))) as NetworkDescription;
  } catch (e) {
    throw new InputError(json.name, `is not valid JSON (${(e as Error).message})`);
  }
  if (!desc || typeof desc !== 'object' || !desc.model || !Array.isArray(desc.modules))
    throw new InputError(json.name, 'is not a hypernetwork description (no model or modules)');
  return desc;
}

/** What differs between the network and the run, one phrase each; empty when it fits. */
export function networkRefusal(desc: NetworkDescription, target: NetworkTarget): string[] {
  const differs = networkMismatch(desc, target.identity, target.modules);
  if (desc.editor !== target.editor) differs.unshift(`editor: a ${desc.editor} network, this run is --editor ${target.editor}`);
  return differs;
}

/**
 * The network of these two files for this run, or an InputError: `where` names the network as the
 * user gave it (the CLI's `--hypernet DIR`, the page's file names).
 */
export async function openNetwork(
  files: { json: FileSource; weights: FileSource },
  target: NetworkTarget,
  where: string,
): Promise<{ net: RLEditNetwork; sha256: string; desc: NetworkDescription }> {
  const desc = await readNetworkDescription(files.json);
  const differs = networkRefusal(desc, target);
  if (differs.length) throw new InputError(where, `was trained for another model or modules; what differs: ${differs.join('; ')}`);
  // The whole file is read for its hash: a network is tens of MB (every parameter in F64), read once per run.
  const sha256 = await sha256Hex(await files.weights.read(0, await files.weights.size()));
  if (sha256 !== desc.sha256)
    throw new InputError(
      files.weights.name,
      `has SHA-256 ${sha256.slice(0, 12)}…, but ${NETWORK_JSON} records ${String(desc.sha256).slice(0, 12)}…: altered or from another training`,
    );
  return { net: await decodeNetwork(files.weights, desc, where), sha256, desc };
}
