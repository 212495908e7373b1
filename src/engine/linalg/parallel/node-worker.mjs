// A float64 pool worker in Node (node-pool.ts): TypeScript through tsx, as bin/stableedit-lab.mjs does,
// so the worker runs the same kernel sources as the calling thread.
import { register } from 'tsx/esm/api';
register();
await import('./node-worker-entry.ts');
