/**
 * What the lab holds between commands: one loaded model (its runtime holds the weights), the two
 * dataset slots and the runs of this page. Each concern's file (load-model, datasets, start-run,
 * reopen-run, interactive, exports) reads and changes it; nothing else does.
 */
import type { RecordScores } from '../eval/evaluate';
import type { AnyEditor } from '../editors/editor';
import type { GpuContext } from '../gpu/context';
import type { LoadedModel } from '../model/load';
import type { RunController } from '../run/controller';
import type { LifelongRun } from '../run/lifelong-run';
import type { ModelRuntime } from '../runtime/runtime';
import type { EditRecord, FileSource, FolderSource } from '../types';
import type { NetworkDescription } from '../editors/hypernet/network-file';
import type { DataInput, DataSlot, ModelSummary } from './lab-types';
import type { PerEditResult } from './per-edit';
import type { LabPlatform, Post } from './platform';
import type { SavedModel, SavedReadOptions } from './run-inputs';

export interface Model {
  /** Without its weights: the runtime holds them (one copy, docs/design.md §4). */
  loaded: Omit<LoadedModel, 'weights'>;
  runtime: ModelRuntime;
  summary: ModelSummary;
  /** Where it came from, as a run's saved inputs record it. */
  origin: SavedModel;
  /** The folder it was read from and the paths the load opened: its fingerprint (model-fingerprint.ts). */
  folder: FolderSource;
  opened: ReadonlySet<string>;
  fingerprint?: Promise<string>;
}

export interface Slot extends SavedReadOptions {
  /** What was read (URLs absolute), so a run can record it and be resumed after a reload. */
  input: DataInput;
  source: FileSource;
  records?: EditRecord[];
}

export interface RunEntry {
  controller: RunController;
  run: LifelongRun;
  records: readonly EditRecord[];
  pre: RecordScores;
  perEdit?: PerEditResult[];
  /** The GPU editor's resident buffers, freed when the run ends. */
  gpuEditor?: AnyEditor & { dispose?(): void };
}

export interface LabState {
  readonly post: Post;
  readonly platform: LabPlatform;
  model: Model | null;
  slots: Partial<Record<DataSlot, Slot>>;
  runs: Map<string, RunEntry>;
  /** Editor kernels' context on the shared device; its pipelines are compiled once, for every run. */
  editorGpu: { device: GPUDevice; ctx: GpuContext } | null;
  /**
   * The hypernetwork runs of MEND, MALMEN and RLEdit edit with (hypernet-import.ts), for the loaded
   * model; its files are kept, not the decoded network, so each run decodes its own (docs/design.md §8).
   */
  hypernet: HeldNetwork | null;
}

export interface HeldNetwork {
  files: { json: FileSource; weights: FileSource };
  desc: NetworkDescription;
  /** The files' names, for messages. */
  where: string;
}

export function needModel(lab: LabState): Model {
  if (!lab.model) throw new Error('no model is loaded: load one in the Model panel first');
  return lab.model;
}

/** The run going (or paused) on the model, if any: one at a time. */
export function activeRun(lab: LabState): string | null {
  for (const [id, r] of lab.runs) if (r.controller.status === 'running' || r.controller.status === 'paused') return id;
  return null;
}

/** A start or a resume is refused while another run goes on the model. */
export function refuseWhileBusy(lab: LabState): void {
  const busy = activeRun(lab);
  if (busy) throw new Error(`run ${busy} is still going on this model: stop it or let it finish first`);
}
