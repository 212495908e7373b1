/**
 * Page state (zustand). Worker events are folded in by one pure reducer, `reduceEvent`, so every
 * state change that comes from the engine is in one place and testable without a browser.
 */
import { create } from 'zustand';
import type {
  CommandType,
  DataSlot,
  DatasetReport,
  GpuDeviceInfo,
  HypernetSummary,
  ModelSummary,
  ProbeAnswer,
  SideEffect,
  RunState,
  UnavailableReason,
  WorkerEvent,
} from '../protocol/messages';

export type DeviceState =
  | { status: 'starting' }
  | { status: 'ready'; info: GpuDeviceInfo }
  | { status: 'unavailable'; reason: UnavailableReason; message: string; fallback: 'wasm' }
  | { status: 'lost'; message: string; info?: GpuDeviceInfo };

export interface GpuErrorEntry {
  kind: string;
  message: string;
  at: number;
}

export interface LabState {
  worker: { ready: boolean; protocolVersion?: number; crossOriginIsolated?: boolean; error?: string };
  device: DeviceState;
  /** The model loaded before a load that is in progress, restored if that load fails. */
  lastModel?: ModelSummary;
  /** Uncaptured GPU errors, newest last; capped so a runaway kernel cannot grow the page. */
  gpuErrors: GpuErrorEntry[];
  /** Commands the worker reported as failed (every one, for the device panel's log). */
  failures: { command: string; message: string }[];
  /** The latest failure per command, shown where that command is issued; cleared when it is sent again. */
  errors: Partial<Record<CommandType, { message: string; hint: string }>>;
  /** Commands sent and not yet answered, by type (their id): panels show "working…" and disable buttons. */
  pending: Partial<Record<CommandType, number>>;
  model:
    | { status: 'none' }
    | { status: 'loading'; progress?: Extract<WorkerEvent, { type: 'model/progress' }> }
    | { status: 'loaded'; summary: ModelSummary };
  data: Partial<Record<DataSlot, { report: DatasetReport; onInvalid: 'skip' | 'stop'; name: string }>>;
  /** Run progress as the worker's controller reports it, by run id. */
  /** Progress of runs going in this page; their status lives in the runs store (runs/status.ts). */
  runProgress: Record<string, { step: number; steps: number; editsPerSecond: number | null; etaSeconds: number | null }>;
  probe: { before?: ProbeAnswer; after?: ProbeAnswer; note?: string; sideEffects?: SideEffect[]; kind: 'probe' | 'edit' | 'reset' } | null;
  /** The network MEND, MALMEN and RLEdit runs edit with, for the loaded model (the worker's; none after another model loads). */
  hypernet: HypernetSummary | null;
}

/** Which command a `replyTo` belonged to; kept outside the state (ids are transport detail). */
const sentTypes = new Map<number, CommandType>();
export function noteSent(id: number, type: CommandType): void {
  sentTypes.set(id, type);
}

export const MAX_GPU_ERRORS = 50;

export const initialLabState: LabState = {
  worker: { ready: false },
  device: { status: 'starting' },
  gpuErrors: [],
  failures: [],
  errors: {},
  pending: {},
  model: { status: 'none' },
  data: {},
  runProgress: {},
  probe: null,
  hypernet: null,
};

/** A command was sent: it is pending and its previous error is cleared. */
export function reduceSent(s: LabState, type: CommandType, id: number): LabState {
  const { [type]: _old, ...errors } = s.errors;
  const next: LabState = { ...s, errors, pending: { ...s.pending, [type]: id } };
  if (type === 'model/load') next.model = { status: 'loading' };
  return next;
}

function settle(s: LabState, replyTo: number): LabState['pending'] {
  const out: LabState['pending'] = {};
  for (const [k, v] of Object.entries(s.pending) as [CommandType, number][]) if (v !== replyTo) out[k] = v;
  return out;
}

export function reduceEvent(s: LabState, ev: WorkerEvent, now = Date.now()): LabState {
  switch (ev.type) {
    case 'worker/ready':
      return { ...s, worker: { ready: true, protocolVersion: ev.protocolVersion, crossOriginIsolated: ev.crossOriginIsolated } };
    case 'worker/error':
      return { ...s, worker: { ...s.worker, error: ev.message } };
    case 'device/ready':
      return { ...s, device: { status: 'ready', info: ev.info } };
    case 'device/unavailable':
      return { ...s, device: { status: 'unavailable', reason: ev.reason, message: ev.message, fallback: ev.fallback } };
    case 'device/lost':
      return { ...s, device: { status: 'lost', message: ev.message, info: s.device.status === 'ready' ? s.device.info : undefined } };
    case 'device/error':
      return { ...s, gpuErrors: [...s.gpuErrors, { kind: ev.kind, message: ev.message, at: now }].slice(-MAX_GPU_ERRORS) };
    case 'command/failed': {
      const next: LabState = {
        ...s,
        pending: settle(s, ev.replyTo),
        failures: [...s.failures, { command: ev.command, message: `${ev.error.name}: ${ev.error.message}` }],
        errors: { ...s.errors, [ev.command]: { message: ev.error.message, hint: ev.hint } },
      };
      // A failed load keeps the model that was there before it (the worker keeps it too).
      if (ev.command === 'model/load' && s.model.status === 'loading')
        next.model = s.lastModel ? { status: 'loaded', summary: s.lastModel } : { status: 'none' };
      return next;
    }
    case 'model/progress':
      return s.model.status === 'loading' ? { ...s, model: { status: 'loading', progress: ev } } : s;
    case 'model/loaded':
      return {
        ...s,
        pending: settle(s, ev.replyTo),
        model: { status: 'loaded', summary: ev.model },
        lastModel: ev.model,
        probe: null,
        hypernet: null,
      };
    case 'hypernet/ready':
      return { ...s, pending: settle(s, ev.replyTo), hypernet: ev.network };
    case 'data/report':
      return {
        ...s,
        pending: settle(s, ev.replyTo),
        data: {
          ...s.data,
          [ev.slot]: { report: ev.report, onInvalid: ev.onInvalid, name: ev.report.file.split('/').pop() ?? ev.report.file },
        },
      };
    case 'run/event':
    case 'run/resumed':
      return s;
    case 'run/state': {
      // Run commands have no reply of their own: the controller's next state answers them.
      const {
        'run/start': _a,
        'run/pause': _b,
        'run/resume': _c,
        'run/step': _d,
        'run/stop': _e,
        'run/reopen': _f,
        ...pending
      } = s.pending;
      return {
        ...s,
        pending,
        runProgress: {
          ...s.runProgress,
          [ev.runId]: { step: ev.step, steps: ev.steps, editsPerSecond: ev.editsPerSecond, etaSeconds: ev.etaSeconds },
        },
      };
    }
    case 'probe/result': {
      const kind = sentTypes.get(ev.replyTo) === 'edit/apply' ? 'edit' : sentTypes.get(ev.replyTo) === 'model/reset' ? 'reset' : 'probe';
      return {
        ...s,
        pending: settle(s, ev.replyTo),
        probe: { before: ev.before, after: ev.after, note: ev.note, sideEffects: ev.sideEffects, kind },
      };
    }
    case 'export/ready':
    case 'export/per-edit':
      return { ...s, pending: settle(s, ev.replyTo) };
  }
}

export interface LabStore extends LabState {
  applyEvent(ev: WorkerEvent): void;
  sent(type: CommandType, id: number): void;
}

export const useLabStore = create<LabStore>()((set) => ({
  ...initialLabState,
  applyEvent: (ev) => set((s) => reduceEvent(s, ev)),
  sent: (type, id) => {
    noteSent(id, type);
    set((s) => reduceSent(s, type, id));
  },
}));
