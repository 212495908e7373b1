/**
 * What a finished run leaves in its storage folder so that its outputs outlive the page: the edited
 * modules' weights (the rest of the model is the checkpoint as loaded) and the per-edit scores.
 * Written when the run finishes, before its checkpoint and saved inputs are dropped; read by the
 * exports after a reload. A few hundred kB on the demo; the edited modules only on a real model.
 */
import type { CheckpointStore } from '../run/checkpoint-store';
import { InputError } from '../types';
import { pack, unpack } from '../util/pack';
import type { PerEditResult } from './per-edit';
import type { SavedModel } from './run-inputs';
import type { RunConfig } from '../run/config';

export interface RunResults {
  version: 1;
  /** The model the run edited; exports need it loaded. */
  model: SavedModel;
  /** Edited weights by checkpoint tensor name, in the runtime's layout. */
  modules: Record<string, Float32Array>;
  perEdit: PerEditResult[];
  /** The run's settings, for the exported weights' metadata (absent in results saved before they were kept). */
  config?: RunConfig;
}

const RESULTS = 'results.bin';

export async function saveRunResults(store: CheckpointStore, r: Omit<RunResults, 'version'>): Promise<void> {
  await store.write(RESULTS, pack({ version: 1, ...r } satisfies RunResults));
}

/** null when the run saved none (not finished, or finished before results were kept). */
export async function readRunResults(store: CheckpointStore, runId: string): Promise<RunResults | null> {
  const bytes = await store.read(RESULTS);
  if (!bytes) return null;
  const r = unpack<RunResults>(bytes, `run ${runId}: ${RESULTS}`);
  if (r.version !== 1) throw new InputError(`run ${runId}: ${RESULTS}`, `version ${String(r.version)} is not supported (expected 1)`);
  return r;
}
