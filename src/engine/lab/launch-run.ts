/**
 * A run's life in this page, shared by a fresh start and a reopened one: the model back to its
 * loaded weights, the run opened (from its checkpoint when there is one), driven turn by turn with
 * its state posted, and at its end the per-edit results taken and saved, the GPU editor freed and
 * this page's hold on the run released — on failure too, keeping the turns and the last checkpoint.
 */
import { isLocateEditor } from '../editors/locate/settings';
import { evaluate } from '../eval/evaluate';
import type { CheckpointStore } from '../run/checkpoint-store';
import type { RunConfig } from '../run/config';
import { RunController, type RunState } from '../run/controller';
import { LifelongRun } from '../run/lifelong-run';
import { buildSchedule } from '../run/schedule';
import { InputError, type EditRecord } from '../types';
import type { EditorMath } from './lab-types';
import type { LabState, Model, RunEntry } from './lab-state';
import { perEditResults } from './per-edit';
import { locateCorpus, pageGeneralSets, runEditor, statsCache } from './run-editor';
import { removeRunInputs, runFingerprint, type SavedRunInputs } from './run-inputs';
import { saveRunResults } from './run-results';
import { TurnEta } from '../run/eta';
import type { RLEditNetwork } from '../editors/hypernet/rledit-network';

export interface Launch {
  runId: string;
  config: RunConfig;
  model: Model;
  target: EditRecord[];
  warmup: EditRecord[] | undefined;
  store: CheckpointStore;
  /** What the run's folder records of its inputs; null where nothing outlives the page. */
  saved: SavedRunInputs | null;
  editorMath: EditorMath;
  /** MEND, MALMEN, RLEdit: the network the run edits with (hypernet-import.ts networkForRun). */
  hypernet?: RLEditNetwork;
  /** This page's hold on the run, released when the run ends or fails to open. */
  release: () => void;
}

export async function launchRun(lab: LabState, l: Launch): Promise<void> {
  const { runId, config, model: m, target, warmup, store, saved, editorMath, release } = l;
  await m.runtime.resetWeights();
  // Per-edit "pre" scores for the EasyEdit export: the model as loaded, before the first turn.
  // A run with the final protocol scores exactly these records before editing (and keeps them in
  // its checkpoint); otherwise they are taken here, before opening puts a checkpoint's weights in place.
  const records = scheduledTarget(config, target, warmup);
  const preHere = config.finalEval ? null : (await evaluate(m.runtime, m.loaded.tokenizer, records)).scores;
  const t0 = performance.now();
  const eta = new TurnEta();
  const { gpuEditor, fallback } = await runEditor(lab, editorMath, config, m);
  const corpus = isLocateEditor(config.editor) ? await locateCorpus(lab, m, target, warmup) : undefined;
  const general = await pageGeneralSets(lab, m, config);
  const run = await LifelongRun.open(config, {
    corpus,
    general,
    hypernet: l.hypernet,
    statsCache: corpus && statsCache(lab, m, corpus),
    runtime: m.runtime,
    tokenizer: m.loaded.tokenizer,
    target,
    warmup,
    store,
    // A checkpoint of other inputs (another tab changed them, a damaged file) is refused, not resumed.
    ...(saved ? { fingerprint: runFingerprint(saved), onMismatch: 'refuse' as const } : {}),
    checkpointWhere: `run ${runId}: checkpoint.bin`,
    ...(gpuEditor ? { createEditor: () => gpuEditor } : {}),
    emit: (event) => {
      lab.post({ type: 'run/event', runId, event });
      if (event.type === 'turn') {
        eta.turn(event.record.kind);
        state(controller.status);
      }
    },
  }).catch((e: unknown) => {
    gpuEditor?.dispose?.();
    release();
    throw e;
  });
  const pre = preHere ?? run.preEditScores!;
  const stepsBefore = run.stepIndex;
  // The final evaluation scores the records the pre-edit scoring did: about as long, when it was timed here.
  const finalSeconds = config.finalEval && stepsBefore === 0 ? (performance.now() - t0) / 1000 : 0;
  const tTurns = performance.now();
  eta.start();
  // What the page shows must be what the checkpoint holds: turns it saw after the last
  // checkpoint are run again, and turns it had not saved yet come from the checkpoint.
  lab.post({ type: 'run/resumed', runId, fromStep: run.stepIndex > 0 ? run.stepIndex : null, turns: run.turns, metrics: run.metrics });
  if (fallback) lab.post({ type: 'run/event', runId, event: { type: 'warning', message: `editor math: cpu (${fallback})` } });
  const state = (s: RunState) => {
    if (s === 'paused') eta.hold();
    if (s === 'running') eta.start();
    const secs = (performance.now() - tTurns) / 1000;
    const done = run.stepIndex;
    const here = done - stepsBefore;
    const left = { warmup: 0, target: 0 };
    for (const t of run.schedule.slice(done)) left[t.kind]++;
    lab.post({
      type: 'run/state',
      runId,
      state: s,
      step: done,
      steps: run.schedule.length,
      editsPerSecond: secs > 0 && here > 0 ? (here * config.nEdits) / secs : null,
      etaSeconds: here > 0 ? eta.eta(left, finalSeconds) : null,
    });
  };
  const controller = new RunController(run, (s) => {
    // 'finished' is announced once the run's results are saved (below), so an export asked for
    // right after it finds them.
    if (s !== 'finished') state(s);
  });
  const entry: RunEntry = { controller, run, records, pre, gpuEditor };
  lab.runs.set(runId, entry);
  void controller.drive(true).then(
    async (report) => {
      // The drive ends when the run finishes, fails or is stopped: the GPU statistics are not needed after.
      gpuEditor?.dispose?.();
      if (!report) return release();
      const post = run.finalEditScores ?? (await evaluate(m.runtime, m.loaded.tokenizer, records)).scores;
      entry.perEdit = perEditResults(records, pre, post, { pre: run.preEditGenerated, post: run.finalGenerated });
      if (saved) {
        await saveRunResults(store, {
          model: saved.model,
          modules: await editedWeights(m, config.modules),
          perEdit: entry.perEdit,
          config,
        });
        await removeRunInputs(store, saved);
      }
      release();
      state('finished');
    },
    (e: Error) => {
      // The run's turns and last checkpoint stay; only the failure is reported.
      gpuEditor?.dispose?.();
      release();
      lab.post({ type: 'run/event', runId, event: { type: 'error', message: e.message, where: `run ${runId}`, step: run.stepIndex } });
      state('failed');
    },
  );
}

/** This page's hold on a run; refused while another tab of the lab has it going. */
export async function claimRun(lab: LabState, runId: string): Promise<() => void> {
  const release = lab.platform.claimRun ? await lab.platform.claimRun(runId) : () => {};
  if (!release) throw new Error(`run ${runId} is going in another tab of the lab: continue it there, or close that tab first`);
  return release;
}

/** The target records the run's schedule reaches (what its per-edit export covers). */
export function scheduledTarget(config: RunConfig, target: readonly EditRecord[], warmup: readonly EditRecord[] | undefined): EditRecord[] {
  let schedule;
  try {
    schedule = buildSchedule({
      targetRecords: target.length,
      nEdits: config.nEdits,
      turns: config.turns,
      warmupRecords: warmup?.length ?? 0,
      warmupTurns: config.warmupTurns,
      placement: config.warmupPlacement,
    });
  } catch (e) {
    throw new InputError('run settings', (e as Error).message);
  }
  const end = Math.max(0, ...schedule.filter((t) => t.kind === 'target').map((t) => t.end));
  return target.slice(0, end);
}

/** The edited modules' weights as they stand (what a finished run changed; the rest is the loaded model). */
async function editedWeights(m: Model, modules: readonly string[]): Promise<Record<string, Float32Array>> {
  const out: Record<string, Float32Array> = {};
  for (const name of modules) {
    const weight = m.loaded.modules.find((x) => x.name === name)!.weight;
    out[weight] = (await m.runtime.weight(weight)).data;
  }
  return out;
}
