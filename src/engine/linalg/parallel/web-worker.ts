/**
 * A float64 pool worker in the browser: runs the parts web-pool.ts posts (pool.ts: runWorkerTask).
 * It says `alive` once its module has loaded (a message posted to a module worker before then is
 * lost), then takes its tasks over the MessagePort the pool sends back (web-pool.ts says why).
 */
import { runWorkerTask, type WorkerTask } from './pool';

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = (e: MessageEvent) => {
  e.ports[0].onmessage = (m: MessageEvent<WorkerTask>) => runWorkerTask(m.data);
  scope.postMessage('ready');
};
scope.postMessage('alive');
