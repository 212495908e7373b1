/// <reference lib="webworker" />
/**
 * The engine worker: owns the GPUDevice (shared with onnxruntime-web later) and runs everything
 * heavy. Speaks only the messages in src/protocol/messages.ts.
 */
import { getSharedGpu } from '../src/engine/gpu/device';
import { WebGpuUnavailableError } from '../src/engine/gpu/errors';
import { isCommand, PROTOCOL_VERSION, type Command, type CommandOf, type CommandType, type WorkerEvent } from '../src/protocol/messages';

const scope = self as unknown as DedicatedWorkerGlobalScope;

function post(event: WorkerEvent): void {
  scope.postMessage(event);
}

const watched = new WeakSet<GPUDevice>();

function watch(device: GPUDevice): void {
  if (watched.has(device)) return;
  watched.add(device);
  void device.lost.then((info) => post({ type: 'device/lost', reason: info.reason === 'destroyed' ? 'destroyed' : 'unknown', message: info.message }));
  device.addEventListener('uncapturederror', (ev) => {
    const error = (ev as GPUUncapturedErrorEvent).error;
    const kind =
      error instanceof GPUValidationError ? 'validation'
      : error instanceof GPUOutOfMemoryError ? 'out-of-memory'
      : error instanceof GPUInternalError ? 'internal'
      : 'unknown';
    post({ type: 'device/error', kind, message: error.message });
  });
}

type Handlers = { [T in CommandType]: (cmd: CommandOf<T>) => Promise<void> };

const handlers: Handlers = {
  'device/init': async (cmd) => {
    try {
      const gpu = await getSharedGpu();
      watch(gpu.device);
      post({ type: 'device/ready', replyTo: cmd.id, info: gpu.info });
    } catch (e) {
      if (!(e instanceof WebGpuUnavailableError)) throw e;
      post({ type: 'device/unavailable', replyTo: cmd.id, reason: e.reason, message: e.message, fallback: 'wasm' });
    }
  },
};

scope.addEventListener('message', (ev: MessageEvent) => {
  const cmd: unknown = ev.data;
  if (!isCommand(cmd)) {
    console.error('engine worker: ignoring a message that is not a protocol command', cmd);
    return;
  }
  const handler = handlers[cmd.type] as (c: Command) => Promise<void>;
  handler(cmd).catch((e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    post({ type: 'command/failed', replyTo: cmd.id, command: cmd.type, error: { name: err.name, message: err.message } });
  });
});

post({ type: 'worker/ready', protocolVersion: PROTOCOL_VERSION, crossOriginIsolated: scope.crossOriginIsolated });
