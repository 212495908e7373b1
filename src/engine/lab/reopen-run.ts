/**
 * A run restored after a reload (or stopped, and continued): the same model (the demo is loaded
 * again here; a Hub or folder model must be loaded by the user first), the same dataset bytes, then
 * LifelongRun resumes from the checkpoint in the browser storage, which gives the numbers an
 * uninterrupted run gives.
 */
import { loadDataset } from '../data/dataset';
import { InputError, type EditRecord } from '../types';
import type { CommandOf } from '../../protocol/messages';
import type { DataSlot } from './lab-types';
import { recordCheck } from './datasets';
import { needModel, refuseWhileBusy, type LabState } from './lab-state';
import { claimRun, launchRun } from './launch-run';
import { loadModel } from './load-model';
import { modelMismatch, readRunInputs, savedDataSource, savedNetworkFiles, type SavedModel } from './run-inputs';
import { openNetwork } from '../editors/hypernet/network-open';
import { modelIdentity } from './model-fingerprint';

export async function reopenRun(lab: LabState, cmd: CommandOf<'run/reopen'>): Promise<void> {
  const held = lab.runs.get(cmd.runId);
  if (held && (held.controller.status === 'running' || held.controller.status === 'paused'))
    throw new Error(`run ${cmd.runId} is already going in this page: use Resume`);
  // A stopped run continues from its last checkpoint, like one a reload interrupted.
  lab.runs.delete(cmd.runId);
  refuseWhileBusy(lab);
  const store = lab.platform.runStore(cmd.runId);
  if (!store) throw new Error('this browser gives no Origin Private File System, where checkpoints are kept: the run cannot be resumed');
  const saved = await readRunInputs(store, cmd.runId);
  if (!saved)
    throw new Error(
      `run ${cmd.runId} left nothing to resume from in the browser storage (it finished, or was started by an older version of the lab): start it again`,
    );
  await ensureModel(lab, saved.model, cmd.id);
  const read = async (slot: DataSlot): Promise<EditRecord[]> => {
    const d = saved.data[slot];
    if (!d) throw new InputError(`run ${cmd.runId}`, `its ${slot === 'edits' ? 'edit stream' : 'warm-up source'} was not saved`);
    const source = await savedDataSource(store, cmd.runId, slot, d, lab.platform.fetch);
    const { records } = await loadDataset(source, {
      onInvalid: d.onInvalid,
      seed: d.seed,
      layout: d.layout,
      mapping: d.mapping,
      check: recordCheck(lab),
    });
    if (records.length === 0) throw new InputError(d.file.name, 'has no valid records');
    return records;
  };
  const release = await claimRun(lab, cmd.runId);
  try {
    const target = await read('edits');
    const warmup = saved.config.warmupTurns > 0 ? await read('warmup') : undefined;
    // The network it edits with is the copy in its folder, opened with the same checks as at its start.
    let hypernet;
    if (saved.hypernet) {
      const files = await savedNetworkFiles(store, cmd.runId, saved.hypernet);
      const m = needModel(lab);
      const modules = saved.config.modules.map((name) => m.loaded.modules.find((x) => x.name === name)!);
      const where = `${files.json.name} + ${files.weights.name} (run ${cmd.runId})`;
      hypernet = (await openNetwork(files, { identity: await modelIdentity(m), modules, editor: saved.config.editor }, where)).net;
    }
    // Checkpoints of either editor math resume with either, so the current choice applies.
    await launchRun(lab, {
      runId: cmd.runId,
      config: saved.config,
      model: needModel(lab),
      target,
      warmup,
      store,
      saved,
      editorMath: cmd.editorMath ?? 'auto',
      hypernet,
      release,
    });
  } catch (e) {
    release();
    throw e;
  }
}

/** The model a saved run edits: the demo is loaded again here; another model must be loaded by the user. */
async function ensureModel(lab: LabState, model: SavedModel, replyTo: number): Promise<void> {
  if (modelMismatch(model, lab.model?.summary ?? null) === null) return;
  if (model.kind !== 'demo') throw new Error(modelMismatch(model, lab.model?.summary ?? null)!);
  await loadModel(lab, { type: 'model/load', id: replyTo, source: { kind: 'demo' }, backend: model.backend });
  const still = modelMismatch(model, lab.model?.summary ?? null);
  if (still) throw new Error(still);
}
