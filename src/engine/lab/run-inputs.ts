/**
 * What a run needs besides its checkpoint to resume after a reload: the settings, which model it
 * edits and which dataset files it reads. Written next to the checkpoint (the run's OPFS folder)
 * when the run starts. The demo's datasets are URLs on this site; a dropped or picked file has no
 * URL and no handle that outlives the page, so its bytes are copied into the folder with their size
 * and SHA-256, and the resumed run reads exactly those bytes (checked before use).
 */
import type { CheckpointStore } from '../run/checkpoint-store';
import type { RunConfig } from '../run/config';
import type { FieldMapping, LayoutId } from '../data/layouts';
import { blobFile, urlFile } from '../io/files.web';
import { InputError, type FileSource } from '../types';
import { sha256Hex } from '../run/checkpoint-seal';
import type { DataInput, DataSlot, ModelSummary } from './lab-types';

/** The model a run edits; never the Hub token. */
export type SavedModel = { name: string; params: number; backend: ModelSummary['backend'] } & (
  { kind: 'demo' } | { kind: 'hub'; repo: string; revision: string } | { kind: 'files' }
);

export type SavedFile =
  { kind: 'url'; url: string; name: string } | { kind: 'copy'; name: string; size: number; sha256: string; stored: string };

/** How the file was read; a resumed run reads it the same way. */
export interface SavedReadOptions {
  onInvalid: 'skip' | 'stop';
  seed?: number;
  layout?: LayoutId;
  mapping?: FieldMapping;
}

export interface SavedData extends SavedReadOptions {
  file: SavedFile;
}

export interface SavedRunInputs {
  version: 1;
  config: RunConfig;
  model: SavedModel;
  data: Partial<Record<DataSlot, SavedData>>;
  /** MEND, MALMEN, RLEdit: the network's two files, copied into the run's folder (NETWORK_COPIES). */
  hypernet?: { json: SavedFile & { kind: 'copy' }; weights: SavedFile & { kind: 'copy' }; sha256: string };
}

/** Where a run keeps its copy of the network it edits with. */
const NETWORK_COPIES = { json: 'hypernet.json', weights: 'network.safetensors' } as const;

const MANIFEST = 'inputs.json';
const copyName = (slot: DataSlot) => `${slot}.data`;

/** `url` inputs must already be absolute (the worker resolves them against its own location). */
export async function saveRunInputs(
  store: CheckpointStore,
  config: RunConfig,
  model: SavedModel,
  slots: Partial<Record<DataSlot, SavedReadOptions & { input: DataInput }>>,
  network?: { files: { json: FileSource; weights: FileSource }; sha256: string },
): Promise<SavedRunInputs> {
  const data: SavedRunInputs['data'] = {};
  for (const [slot, s] of Object.entries(slots) as [DataSlot, NonNullable<(typeof slots)[DataSlot]>][]) {
    let file: SavedFile;
    if (s.input.kind === 'url') {
      file = { kind: 'url', url: s.input.url, name: s.input.name };
    } else {
      const bytes = new Uint8Array(await s.input.file.arrayBuffer());
      await store.write(copyName(slot), bytes);
      file = { kind: 'copy', name: s.input.file.name, size: bytes.length, sha256: await sha256Hex(bytes), stored: copyName(slot) };
    }
    data[slot] = { file, onInvalid: s.onInvalid, seed: s.seed, layout: s.layout, mapping: s.mapping };
  }
  const manifest: SavedRunInputs = { version: 1, config, model, data };
  if (network) {
    const copy = async (k: 'json' | 'weights') => {
      const f = network.files[k];
      const bytes = await f.read(0, await f.size());
      await store.write(NETWORK_COPIES[k], bytes);
      return { kind: 'copy' as const, name: f.name, size: bytes.length, sha256: await sha256Hex(bytes), stored: NETWORK_COPIES[k] };
    };
    manifest.hypernet = { json: await copy('json'), weights: await copy('weights'), sha256: network.sha256 };
  }
  await store.write(MANIFEST, new TextEncoder().encode(JSON.stringify(manifest)));
  return manifest;
}

/** null when the run saved nothing (it started before this existed, or storage was unavailable). */
export async function readRunInputs(store: CheckpointStore, runId: string): Promise<SavedRunInputs | null> {
  const bytes = await store.read(MANIFEST);
  if (!bytes) return null;
  const where = `run ${runId}: ${MANIFEST}`;
  let m: SavedRunInputs;
  try {
    m = JSON.parse(new TextDecoder().decode(bytes)) as SavedRunInputs;
  } catch (e) {
    throw new InputError(where, `is not valid JSON (${(e as Error).message})`);
  }
  if (m.version !== 1) throw new InputError(where, `version ${String(m.version)} is not supported (expected 1)`);
  if (!m.config || !m.model || !m.data?.edits) throw new InputError(where, 'lacks the run settings, the model or the edit stream');
  return m;
}

/** The saved dataset as a FileSource; a copied file is checked against its recorded size and SHA-256. */
export async function savedDataSource(
  store: CheckpointStore,
  runId: string,
  slot: DataSlot,
  saved: SavedData,
  fetchImpl?: typeof fetch,
): Promise<FileSource> {
  const f = saved.file;
  if (f.kind === 'url') return { ...urlFile(f.url, { fetch: fetchImpl }), name: f.name };
  const where = `${f.name} (the copy run ${runId} saved of its ${slot === 'edits' ? 'edit stream' : 'warm-up source'})`;
  const bytes = await store.read(f.stored);
  if (!bytes) throw new InputError(where, 'is missing from the browser storage (OPFS): start the run again');
  if (bytes.length !== f.size) throw new InputError(where, `has ${bytes.length} bytes, but the run read ${f.size}`);
  const hash = await sha256Hex(bytes);
  if (hash !== f.sha256) throw new InputError(where, `has SHA-256 ${hash}, but the run read ${f.sha256}: the stored copy is damaged`);
  return blobFile(new Blob([bytes as Uint8Array<ArrayBuffer>]), f.name);
}

/** The run's copy of its network's two files, each checked against its recorded size and SHA-256. */
export async function savedNetworkFiles(
  store: CheckpointStore,
  runId: string,
  h: NonNullable<SavedRunInputs['hypernet']>,
): Promise<{ json: FileSource; weights: FileSource }> {
  const open = async (f: SavedFile & { kind: 'copy' }) => {
    const where = `${f.name} (the copy run ${runId} saved of its network)`;
    const bytes = await store.read(f.stored);
    if (!bytes) throw new InputError(where, 'is missing from the browser storage (OPFS): start the run again');
    if (bytes.length !== f.size || (await sha256Hex(bytes)) !== f.sha256)
      throw new InputError(where, `is not the ${f.size} bytes the run read: the stored copy is damaged`);
    return blobFile(new Blob([bytes as Uint8Array<ArrayBuffer>]), f.name);
  };
  return { json: await open(h.json), weights: await open(h.weights) };
}

/**
 * What a run's checkpoint must belong to: the model and each dataset as saved (a URL, or the copy's
 * size and SHA-256) and how it was read. A checkpoint written for other inputs is refused on resume.
 */
export function runFingerprint(saved: SavedRunInputs): Record<string, string> {
  const fp: Record<string, string> = {
    model: saved.model.kind === 'hub' ? `${saved.model.repo}@${saved.model.revision}` : `${saved.model.kind}:${saved.model.name}`,
    params: String(saved.model.params),
    backend: saved.model.backend,
  };
  for (const [slot, d] of Object.entries(saved.data)) {
    fp[slot] = d.file.kind === 'url' ? d.file.url : `${d.file.name} (${d.file.size} bytes, sha256 ${d.file.sha256})`;
    fp[`${slot} reading`] = JSON.stringify({ onInvalid: d.onInvalid, seed: d.seed, layout: d.layout, mapping: d.mapping });
  }
  if (saved.hypernet) fp.hypernet = saved.hypernet.sha256;
  return fp;
}

/** Once a run has finished, nothing of it needs resuming. */
export async function removeRunInputs(store: CheckpointStore, saved: SavedRunInputs | null): Promise<void> {
  await store.remove(MANIFEST);
  for (const d of Object.values(saved?.data ?? {})) if (d.file.kind === 'copy') await store.remove(d.file.stored);
  if (saved?.hypernet) for (const f of Object.values(NETWORK_COPIES)) await store.remove(f);
}

/** Why the loaded model cannot resume this run, or null when it can. */
export function modelMismatch(saved: SavedModel, loaded: ModelSummary | null): string | null {
  const what =
    saved.kind === 'demo'
      ? 'the built-in demo model'
      : saved.kind === 'hub'
        ? `${saved.repo} (revision ${saved.revision}) from the Hugging Face Hub`
        : `the local model folder "${saved.name}"`;
  const backend = saved.backend === 'wasm' ? 'CPU (wasm)' : 'WebGPU';
  if (!loaded || loaded.name !== saved.name || loaded.params !== saved.params)
    return `this run edits ${what}${loaded ? `, but "${loaded.name}" is loaded` : ', which is not loaded'}: load it again in the Model panel (backend ${backend}), then resume`;
  if (loaded.backend !== saved.backend)
    return `this run ran on the ${backend} backend and "${loaded.name}" is loaded on the other one; load it with backend ${backend} to resume it with the same numbers`;
  return null;
}
