/**
 * Starting a run. Everything a start needs is checked before anything is written or announced:
 * a start that fails leaves no run behind (the page drops the run it added) and says what was wrong.
 * Where runs outlive the page, the run's inputs are saved beside its checkpoint first, so a reload
 * can reopen it (reopen-run.ts).
 */
import { MemoryStore } from '../run/checkpoint-store';
import { isHypernetEditor, validateRunConfig } from '../run/config';
import { networkForRun } from './hypernet-import';
import { InputError } from '../types';
import type { CommandOf } from '../../protocol/messages';
import { slotRecords } from './datasets';
import { needModel, refuseWhileBusy, type LabState } from './lab-state';
import { claimRun, launchRun, scheduledTarget } from './launch-run';
import { saveRunInputs, type SavedRunInputs } from './run-inputs';

export async function startRun(lab: LabState, cmd: CommandOf<'run/start'>): Promise<void> {
  const m = needModel(lab);
  refuseWhileBusy(lab);
  const bad = Object.entries(validateRunConfig(cmd.config));
  if (bad.length) throw new InputError('run settings', bad.map(([k, v]) => `${k} ${v}`).join('; '));
  const unknown = cmd.config.modules.filter((name) => !m.loaded.modules.some((x) => x.name === name));
  if (unknown.length) throw new InputError('run settings', `${m.summary.name} has no module ${unknown.join(', ')}`);
  const target = await slotRecords(lab, 'edits');
  const warmup = cmd.config.warmupTurns > 0 ? await slotRecords(lab, 'warmup') : undefined;
  scheduledTarget(cmd.config, target, warmup); // throws, naming the shortfall, when the streams are too short
  const hypernet = isHypernetEditor(cmd.config.editor) ? await networkForRun(lab, m, cmd.config) : undefined;
  const release = await claimRun(lab, cmd.runId);
  const store = lab.platform.runStore(cmd.runId);
  let saved: SavedRunInputs | null = null;
  if (store) {
    const used = { edits: lab.slots.edits!, ...(warmup ? { warmup: lab.slots.warmup! } : {}) };
    const network = hypernet && lab.hypernet ? { files: lab.hypernet.files, sha256: hypernet.sha256 } : undefined;
    saved = await saveRunInputs(store, cmd.config, m.origin, used, network).catch((e: unknown) => {
      release();
      throw e;
    });
  }
  await launchRun(lab, {
    runId: cmd.runId,
    config: cmd.config,
    model: m,
    target,
    warmup,
    store: store ?? new MemoryStore(),
    saved,
    editorMath: cmd.editorMath ?? 'auto',
    hypernet: hypernet?.net,
    release,
  }).catch((e: unknown) => {
    release();
    throw e;
  });
}
