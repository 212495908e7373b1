/**
 * The page's handle on the engine worker: starts it as a module worker, sends typed commands
 * (assigning ids) and feeds every event into the store. `sendCommand` is what components call.
 */
import { isWorkerEvent, type CommandBody, type Command, type WorkerEvent } from '../protocol/messages';

export interface EngineClient {
  send(body: CommandBody): number;
  terminate(): void;
}

export function startEngine(onEvent: (ev: WorkerEvent) => void): EngineClient {
  const worker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), { type: 'module', name: 'engine' });
  let nextId = 1;
  worker.addEventListener('message', (ev: MessageEvent) => {
    if (isWorkerEvent(ev.data)) onEvent(ev.data);
    else console.error('engine worker sent a message outside the protocol', ev.data);
  });
  worker.addEventListener('error', (ev) => {
    onEvent({ type: 'worker/error', message: ev.message || 'the engine worker failed to load or crashed' });
  });
  return {
    send(body) {
      const id = nextId++;
      worker.postMessage({ ...body, id } as Command);
      return id;
    },
    terminate: () => worker.terminate(),
  };
}

let current: { client: EngineClient; onSent: (type: Command['type'], id: number) => void } | null = null;

/** Makes `client` the one `sendCommand` uses; `onSent` learns every command's type and id. */
export function useEngine(client: EngineClient, onSent: (type: Command['type'], id: number) => void): void {
  current = { client, onSent };
}

export function sendCommand(body: CommandBody): number {
  if (!current) throw new Error('the engine worker has not been started');
  const id = current.client.send(body);
  current.onSent(body.type, id);
  return id;
}
