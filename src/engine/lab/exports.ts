/**
 * What the Export panel downloads: the weights as safetensors (the model as it stands, or as a
 * finished run left it, rebuilt from what the run saved), and a run's per-edit results for the
 * EasyEdit-style export.
 */
import type { Weights } from '../model/spec';
import { encodeWeights } from '../run/export-weights';
import { InputError } from '../types';
import type { CommandOf } from '../../protocol/messages';
import { needModel, type LabState } from './lab-state';
import { modelMismatch } from './run-inputs';
import { readRunResults } from './run-results';
import { editedModelMetadata, exportStem } from './export-name';
import type { RunConfig } from '../run/config';

/** The model as it stands, or as a finished run left it (rebuilt from what the run saved). */
export async function exportWeights(lab: LabState, cmd: CommandOf<'export/weights'>): Promise<void> {
  const m = needModel(lab);
  let weights: Weights;
  let config: RunConfig | undefined;
  if (cmd.runId) {
    const results = await savedResults(lab, cmd.runId);
    const mismatch = modelMismatch(results.model, m.summary);
    if (mismatch) throw new Error(mismatch.replace(/, then resume$/, ', then export again'));
    weights = await m.runtime.weights('loaded');
    for (const [name, data] of Object.entries(results.modules)) {
      const t = weights.get(name);
      if (!t || t.data.length !== data.length)
        throw new InputError(`run ${cmd.runId}`, `its saved weight ${name} does not fit ${m.summary.name}`);
      weights.set(name, { ...t, data });
    }
    config = results.config;
  } else {
    weights = await m.runtime.weights();
  }
  const bytes = encodeWeights(
    weights,
    m.loaded.sourceNames,
    editedModelMetadata(m.loaded.name, lab.platform.labVersion ?? 'unknown', cmd.runId ? { id: cmd.runId, config } : undefined),
  );
  const stem =
    cmd.stem?.trim() || exportStem({ model: m.loaded.name, editor: config?.editor, lr: config?.lr, ridge: config?.ridge, at: new Date() });
  const name = `${stem.replace(/[^\w.-]+/g, '-')}.edited.safetensors`;
  lab.post({ type: 'export/ready', replyTo: cmd.id, name, mime: 'application/octet-stream', bytes }, [bytes.buffer]);
}

export async function perEdit(lab: LabState, cmd: CommandOf<'export/per-edit'>): Promise<void> {
  const r = lab.runs.get(cmd.runId);
  if (r && !r.perEdit) throw new Error('the run has not finished: per-edit post scores are taken after its last turn');
  const results = r?.perEdit ?? (await savedResults(lab, cmd.runId)).perEdit;
  lab.post({ type: 'export/per-edit', replyTo: cmd.id, runId: cmd.runId, results });
}

async function savedResults(lab: LabState, runId: string) {
  const store = lab.platform.runStore(runId);
  const results = store ? await readRunResults(store, runId) : null;
  if (!results)
    throw new Error(
      `run ${runId} has no saved results in this browser (it has not finished, or it finished before the lab kept them, or its storage was cleared)`,
    );
  return results;
}
