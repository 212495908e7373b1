/** A float64 pool worker in Node: runs the parts node-pool.ts posts (pool.ts: runWorkerTask). */
import { parentPort } from 'node:worker_threads';
import { runWorkerTask, type WorkerTask } from './pool';

parentPort!.on('message', (m: WorkerTask) => runWorkerTask(m));
parentPort!.postMessage('ready');
