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

export const PROTOCOL_VERSION = 1;

export type { GpuDeviceInfo };

// ---------------------------------------------------------------- commands (page → worker)

export type Command =
  /** Acquire the shared WebGPU device (or learn that there is none) and report it. */
  | { type: 'device/init'; id: number };

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
  | { type: 'command/failed'; replyTo: number; command: Command['type']; error: { name: string; message: string } };

// ---------------------------------------------------------------- helpers

export type CommandType = Command['type'];
export type EventType = WorkerEvent['type'];
export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;
export type EventOf<T extends EventType> = Extract<WorkerEvent, { type: T }>;

/** A command without its id: what callers write; the client assigns the id. */
export type CommandBody<T extends CommandType = CommandType> = T extends CommandType ? Omit<CommandOf<T>, 'id'> : never;

const COMMAND_TYPES: Record<CommandType, true> = { 'device/init': true };
const EVENT_TYPES: Record<EventType, true> = {
  'worker/ready': true,
  'worker/error': true,
  'device/ready': true,
  'device/unavailable': true,
  'device/lost': true,
  'device/error': true,
  'command/failed': true,
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
