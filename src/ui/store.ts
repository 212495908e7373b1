/**
 * Page state (zustand). Worker events are folded in by one pure reducer, `reduceEvent`, so every
 * state change that comes from the engine is in one place and testable without a browser.
 */
import { create } from 'zustand';
import type { GpuDeviceInfo, UnavailableReason, WorkerEvent } from '../protocol/messages';

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
  /** Uncaptured GPU errors, newest last; capped so a runaway kernel cannot grow the page. */
  gpuErrors: GpuErrorEntry[];
  /** Commands the worker reported as failed. */
  failures: { command: string; message: string }[];
}

export const MAX_GPU_ERRORS = 50;

export const initialLabState: LabState = {
  worker: { ready: false },
  device: { status: 'starting' },
  gpuErrors: [],
  failures: [],
};

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
    case 'command/failed':
      return { ...s, failures: [...s.failures, { command: ev.command, message: `${ev.error.name}: ${ev.error.message}` }] };
  }
}

export interface LabStore extends LabState {
  applyEvent(ev: WorkerEvent): void;
}

export const useLabStore = create<LabStore>()((set) => ({
  ...initialLabState,
  applyEvent: (ev) => set((s) => reduceEvent(s, ev)),
}));
