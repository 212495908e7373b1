/**
 * The lab's application layer: one loaded model (and its pristine weights), the two dataset slots,
 * and the runs. Each run starts from the model as loaded, so runs of different editors on the same
 * stream compare like with like; interactive edits and the probe act on the model as it stands
 * (after the last run, plus any interactive edits).
 *
 * Framework-free: the worker gives it a platform (platform.ts: where the site is, the GPU, where runs
 * are kept, the editor shaders) and routes messages to it; tests give it files on disk and memory
 * stores. This class is the table of contents — one method per command, each in its concern's file:
 *
 *   load-model.ts   model/load, model/reset      datasets.ts    data/scan (and the slots' records)
 *   start-run.ts    run/start                    reopen-run.ts  run/reopen (after a reload, or a stop)
 *   launch-run.ts   a run's life, either way     run-editor.ts  the editor a run uses, MEMIT's corpus
 *   interactive.ts  probe/ask, edit/apply        exports.ts     export/weights, export/per-edit
 *   hypernet-import.ts  hypernet/import (the network MEND, MALMEN and RLEdit runs edit with)
 *
 * and lab-state.ts the state they share.
 */
import type { RunController } from '../run/controller';
import type { CommandOf } from '../../protocol/messages';
import { scan } from './datasets';
import { exportWeights, perEdit } from './exports';
import { applyEdit, askProbe } from './interactive';
import { activeRun, type LabState } from './lab-state';
import { loadModel, resetModel } from './load-model';
import type { LabPlatform, Post } from './platform';
import { reopenRun } from './reopen-run';
import { importHypernet } from './hypernet-import';
import { startRun } from './start-run';

export type { LabPlatform, Post } from './platform';

export class Lab {
  private readonly state: LabState;

  constructor(post: Post, platform: LabPlatform) {
    this.state = { post, platform, model: null, slots: {}, runs: new Map(), editorGpu: null, hypernet: null };
  }

  loadModel(cmd: CommandOf<'model/load'>): Promise<void> {
    return loadModel(this.state, cmd);
  }

  resetModel(cmd: CommandOf<'model/reset'>): Promise<void> {
    return resetModel(this.state, cmd);
  }

  scan(cmd: CommandOf<'data/scan'>): Promise<void> {
    return scan(this.state, cmd);
  }

  startRun(cmd: CommandOf<'run/start'>): Promise<void> {
    return startRun(this.state, cmd);
  }

  reopenRun(cmd: CommandOf<'run/reopen'>): Promise<void> {
    return reopenRun(this.state, cmd);
  }

  activeRun(): string | null {
    return activeRun(this.state);
  }

  /** A run going in this page, for pause, resume, step and stop. */
  controller(runId: string): RunController {
    const r = this.state.runs.get(runId);
    if (!r) throw new Error(`run ${runId} is not running in this page (it was restored from storage or has ended)`);
    return r.controller;
  }

  probe(cmd: CommandOf<'probe/ask'>): Promise<void> {
    return askProbe(this.state, cmd);
  }

  applyEdit(cmd: CommandOf<'edit/apply'>): Promise<void> {
    return applyEdit(this.state, cmd);
  }

  exportWeights(cmd: CommandOf<'export/weights'>): Promise<void> {
    return exportWeights(this.state, cmd);
  }

  perEdit(cmd: CommandOf<'export/per-edit'>): Promise<void> {
    return perEdit(this.state, cmd);
  }

  importHypernet(cmd: CommandOf<'hypernet/import'>): Promise<void> {
    return importHypernet(this.state, cmd);
  }
}
