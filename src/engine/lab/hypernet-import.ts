/**
 * hypernet/import: a trained network for the loaded model, as the two files train-editor writes
 * (hypernet.json and network.safetensors, editors/hypernet/network-file.ts), dropped or picked in
 * the page. It is checked as a run would check it (network-open.ts, the CLI's check): the model's
 * fingerprint and shape, its modules here with their shapes, the weights' SHA-256, every tensor;
 * a network for another model is refused saying what differs. Runs of its editor then use it
 * (networkForRun), each decoding its own copy from the kept files.
 */
import { NETWORK_FILE, NETWORK_JSON } from '../editors/hypernet/network-file';
import { openNetwork, readNetworkDescription } from '../editors/hypernet/network-open';
import type { RLEditNetwork } from '../editors/hypernet/rledit-network';
import { blobFile } from '../io/files.web';
import type { RunConfig } from '../run/config';
import { InputError, type FileSource } from '../types';
import type { CommandOf } from '../../protocol/messages';
import type { HypernetSummary } from './lab-types';
import { needModel, refuseWhileBusy, type HeldNetwork, type LabState, type Model } from './lab-state';
import { modelIdentity } from './model-fingerprint';

export async function importHypernet(lab: LabState, cmd: CommandOf<'hypernet/import'>): Promise<void> {
  const m = needModel(lab);
  refuseWhileBusy(lab);
  const files = networkFiles(cmd.files);
  const where = `${files.json.name} + ${files.weights.name}`;
  const desc = await readNetworkDescription(files.json);
  const missing = desc.modules.filter((x) => !m.loaded.modules.some((y) => y.name === x.name)).map((x) => x.name);
  if (missing.length)
    throw new InputError(
      where,
      `was trained for another model or modules; what differs: ${m.summary.name} has no module ${missing.join(', ')}`,
    );
  const modules = desc.modules.map((x) => m.loaded.modules.find((y) => y.name === x.name)!);
  // Opened in full here (not only at a run's start), so a wrong or damaged file is refused when it is given.
  await openNetwork(files, { identity: await modelIdentity(m), modules, editor: desc.editor }, where);
  lab.hypernet = { files, desc, where };
  lab.post({ type: 'hypernet/ready', replyTo: cmd.id, network: hypernetSummary(lab.hypernet, 'imported') });
}

/** The description and the weights among the given files, by their names' endings. */
export function networkFiles(given: readonly File[]): { json: FileSource; weights: FileSource } {
  const json = given.filter((f) => f.name.endsWith('.json'));
  const weights = given.filter((f) => f.name.endsWith('.safetensors'));
  if (json.length !== 1 || weights.length !== 1 || given.length !== 2)
    throw new InputError(
      'network files',
      `give the two files train-editor writes, ${NETWORK_JSON} and ${NETWORK_FILE}, together (got ${given.map((f) => f.name).join(', ') || 'none'})`,
    );
  return { json: blobFile(json[0], json[0].name), weights: blobFile(weights[0], weights[0].name) };
}

export function hypernetSummary(h: HeldNetwork, source: HypernetSummary['source']): HypernetSummary {
  const steps = h.desc.training?.steps;
  return {
    editor: h.desc.editor,
    modules: h.desc.modules.map((x) => x.name),
    files: h.where,
    source,
    sha256: h.desc.sha256,
    steps: typeof steps === 'number' ? steps : undefined,
  };
}

/**
 * The network a run of a hypernetwork editor edits with, opened for the run's modules and editor;
 * refused, saying what differs, when it was trained for others.
 */
export async function networkForRun(lab: LabState, m: Model, config: RunConfig): Promise<{ net: RLEditNetwork; sha256: string }> {
  const h = lab.hypernet;
  if (!h)
    throw new InputError(
      'run settings',
      `editor ${config.editor} edits with a trained network: import its ${NETWORK_JSON} and ${NETWORK_FILE} (train-editor writes them) in the Editor settings first`,
    );
  const modules = config.modules.map((name) => m.loaded.modules.find((x) => x.name === name)!);
  const { net, sha256 } = await openNetwork(h.files, { identity: await modelIdentity(m), modules, editor: config.editor }, h.where);
  return { net, sha256 };
}
