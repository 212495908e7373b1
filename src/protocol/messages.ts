/**
 * The typed protocol between the page and the engine worker — the one place every message is
 * defined. Commands go page → worker, events go worker → page; both are discriminated unions on
 * `type`, namespaced as `area/verb` so areas (device, data, run, …) can be added without clashes.
 * A command carries an `id`; events answering it carry `replyTo` with that id, and a failed
 * command is answered by a `command/failed` event.
 *
 * To add a message: add a member to Command or WorkerEvent; the worker's handler table is typed
 * as exhaustive over Command['type'], so the compiler points at what is missing.
 */
import type { GpuDeviceInfo } from '../engine/gpu/device';
import type { DatasetReport } from '../engine/data/dataset';
import type { RunConfig } from '../engine/run/config';
import type { MetricsRecord, RunEvent, TurnRecord } from '../engine/run/events';
import type { RunState } from '../engine/run/controller';
import type { ProbeAnswer } from '../engine/lab/probe';
import type { SideEffect } from '../engine/lab/side-effects';
import type { PerEditResult } from '../engine/lab/per-edit';
import type {
  BackendChoice,
  DataInput,
  DataSlot,
  EditorMath,
  HypernetSummary,
  InteractiveSettings,
  ModelSource,
  ModelSummary,
  ScanOptions,
} from '../engine/lab/lab-types';

export const PROTOCOL_VERSION = 1;

export type { GpuDeviceInfo, DatasetReport, RunEvent, RunState, ProbeAnswer, PerEditResult, SideEffect };
export type {
  BackendChoice,
  DataInput,
  DataSlot,
  EditorMath,
  HypernetSummary,
  InteractiveSettings,
  ModelSource,
  ModelSummary,
  ScanOptions,
};
export { EDITOR_MATHS } from '../engine/lab/lab-types';

// ---------------------------------------------------------------- commands (page → worker)

export type Command =
  /** Acquire the shared WebGPU device (or learn that there is none) and report it. */
  | { type: 'device/init'; id: number }
  /** `wasmThreads`: the CPU backend's threads (default every core, up to a cap); fixed at the page's first CPU model. */
  | { type: 'model/load'; id: number; source: ModelSource; backend: BackendChoice; wasmThreads?: number }
  | { type: 'data/scan'; id: number; slot: DataSlot; input: DataInput; options: ScanOptions }
  /** Start a run on the loaded model and the scanned slots; `runId` is chosen by the page (its runs store). */
  | { type: 'run/start'; id: number; runId: string; config: RunConfig; editorMath?: EditorMath }
  | { type: 'run/pause'; id: number; runId: string }
  | { type: 'run/resume'; id: number; runId: string }
  /**
   * Open a run restored after a reload (not running in this worker) from its OPFS checkpoint and
   * continue it: the worker re-reads the run's saved inputs (model, dataset files) and resumes.
   */
  | { type: 'run/reopen'; id: number; runId: string; editorMath?: EditorMath }
  | { type: 'run/step'; id: number; runId: string }
  | { type: 'run/stop'; id: number; runId: string }
  | { type: 'probe/ask'; id: number; prompt: string; k: number; maxNewTokens: number }
  /** One (prompt, answer) applied to the loaded model as a one-record turn; answers with probe/result before and after. */
  | {
      type: 'edit/apply';
      id: number;
      prompt: string;
      answer: string;
      /** MEMIT / AlphaEdit edit at the subject's last token; a prompt that is a stream record brings its own. */
      subject?: string;
      k: number;
      maxNewTokens: number;
      settings: InteractiveSettings;
    }
  /** Reload the model's original weights (undo every edit). */
  | { type: 'model/reset'; id: number }
  /** The model as it stands, or (runId) the model as a finished run left it, rebuilt from what the run saved. */
  | {
      type: 'export/weights';
      id: number;
      runId?: string;
      /** The file's name without extension (the page names run files the same way); default: model, settings, now. */
      stem?: string;
    }
  /** Per-edit pre/post scores of the last run's edits on the model as it stands (EasyEdit layout). */
  | { type: 'export/per-edit'; id: number; runId: string }
  /** A trained network for MEND, MALMEN or RLEdit runs: train-editor's hypernet.json and network.safetensors. */
  | { type: 'hypernet/import'; id: number; files: File[] };

// ---------------------------------------------------------------- events (worker → page)

export type UnavailableReason = 'no-navigator-gpu' | 'insecure-context' | 'no-adapter' | 'device-request-failed';

export type WorkerEvent =
  /** Sent once when the worker's script has loaded. */
  | { type: 'worker/ready'; protocolVersion: number; crossOriginIsolated: boolean }
  /** Synthesized by the page's client (never posted by the worker) when the worker script fails to load or throws. */
  | { type: 'worker/error'; message: string }
  | { type: 'device/ready'; replyTo: number; info: GpuDeviceInfo }
  /** No WebGPU here: the engine will run models on the CPU with onnxruntime-web's wasm backend. */
  | { type: 'device/unavailable'; replyTo: number; reason: UnavailableReason; message: string; fallback: 'wasm' }
  | { type: 'device/lost'; reason: 'destroyed' | 'unknown'; message: string }
  /** A GPUDevice 'uncapturederror': GPU work failed outside any error scope. */
  | { type: 'device/error'; kind: 'validation' | 'out-of-memory' | 'internal' | 'unknown'; message: string }
  | {
      type: 'command/failed';
      replyTo: number;
      command: Command['type'];
      error: { name: string; message: string; where?: string };
      hint: string;
    }
  /** Download/read progress: bytes for URLs (Hub, demo), tensors for a local folder; total 0 while unknown. */
  | {
      type: 'model/progress';
      replyTo: number;
      stage: 'download' | 'tensors' | 'runtime';
      done: number;
      total: number;
      unit: 'bytes' | 'tensors';
      bytesPerSecond: number | null;
      etaSeconds: number | null;
      detail: string;
    }
  | { type: 'model/loaded'; replyTo: number; model: ModelSummary }
  | { type: 'data/report'; replyTo: number; slot: DataSlot; report: DatasetReport; onInvalid: 'skip' | 'stop' }
  | { type: 'run/event'; runId: string; event: RunEvent }
  /**
   * A run was opened: its turns and metrics so far as its checkpoint holds them (empty, fromStep
   * null, when it starts from the beginning). They replace what the page kept of the run.
   */
  | { type: 'run/resumed'; runId: string; fromStep: number | null; turns: TurnRecord[]; metrics: MetricsRecord[] }
  | {
      type: 'run/state';
      runId: string;
      state: RunState;
      editsPerSecond: number | null;
      etaSeconds: number | null;
      step: number;
      steps: number;
    }
  | {
      type: 'probe/result';
      replyTo: number;
      before?: ProbeAnswer;
      after?: ProbeAnswer;
      note?: string;
      /** After an interactive edit: what other prompts answered before and after it. */
      sideEffects?: SideEffect[];
    }
  | { type: 'export/ready'; replyTo: number; name: string; mime: string; bytes: Uint8Array }
  | { type: 'export/per-edit'; replyTo: number; runId: string; results: PerEditResult[] }
  /** The lab holds this network for the loaded model; runs of its editor use it. */
  | { type: 'hypernet/ready'; replyTo: number; network: HypernetSummary };

// ---------------------------------------------------------------- helpers

export type CommandType = Command['type'];
export type EventType = WorkerEvent['type'];
export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;
export type EventOf<T extends EventType> = Extract<WorkerEvent, { type: T }>;

/** A command without its id: what callers write; the client assigns the id. */
export type CommandBody<T extends CommandType = CommandType> = T extends CommandType ? Omit<CommandOf<T>, 'id'> : never;

const COMMAND_TYPES: Record<CommandType, true> = {
  'device/init': true,
  'model/load': true,
  'model/reset': true,
  'data/scan': true,
  'run/start': true,
  'run/pause': true,
  'run/resume': true,
  'run/reopen': true,
  'run/step': true,
  'run/stop': true,
  'probe/ask': true,
  'edit/apply': true,
  'export/weights': true,
  'export/per-edit': true,
  'hypernet/import': true,
};
const EVENT_TYPES: Record<EventType, true> = {
  'worker/ready': true,
  'worker/error': true,
  'device/ready': true,
  'device/unavailable': true,
  'device/lost': true,
  'device/error': true,
  'command/failed': true,
  'model/progress': true,
  'model/loaded': true,
  'data/report': true,
  'run/event': true,
  'run/resumed': true,
  'run/state': true,
  'probe/result': true,
  'export/ready': true,
  'export/per-edit': true,
  'hypernet/ready': true,
};

function hasType(x: unknown): x is { type: unknown } {
  return typeof x === 'object' && x !== null && 'type' in x;
}

export function isCommand(x: unknown): x is Command {
  return hasType(x) && typeof x.type === 'string' && Object.hasOwn(COMMAND_TYPES, x.type) && typeof (x as { id?: unknown }).id === 'number';
}

export function isWorkerEvent(x: unknown): x is WorkerEvent {
  return hasType(x) && typeof x.type === 'string' && Object.hasOwn(EVENT_TYPES, x.type);
}
