/**
 * The page's handle on the engine worker: starts it as a module worker, sends typed commands
 * (assigning ids) and feeds every event into the store.
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
