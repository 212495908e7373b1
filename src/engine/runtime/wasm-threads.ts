/**
 * Threads of onnxruntime-web's wasm EP. Threaded wasm needs SharedArrayBuffer, which a page only has
 * when it is cross-origin isolated (COOP/COEP, served so by `npm start`/`preview`); then every core
 * the browser reports is used, up to a cap (wasm-thread-count.ts). Node keeps one thread for wasm: there the
 * native backend is the fast path and the tests share the machine's cores.
 *
 * ORT reads `env.wasm.numThreads` once, when the first wasm session initializes the module, so the
 * count must be set before that; `configureWasmThreads` reports the count actually in force.
 * (In a built site the pthread workers also need ORT's standalone .mjs: workers/ort-assets.ts.)
 */
import * as ort from 'onnxruntime-web';
import { currentHost, wasmThreadCount, type WasmThreadHost } from './wasm-thread-count';

let chosen: number | null = null;
let inForce: number | null = null;

/**
 * Sets the wasm EP's thread count (before the first wasm session; later calls cannot change it and
 * return the count in force). Without `requested`: every core where threads are possible.
 */
export function configureWasmThreads(requested?: number, host: WasmThreadHost = currentHost()): number {
  if (inForce !== null) return inForce;
  chosen = wasmThreadCount(host, requested);
  ort.env.wasm.numThreads = chosen;
  return chosen;
}

/** Called as the first wasm session is created: fixes the count (the default when nobody chose). */
export function lockWasmThreads(): number {
  inForce ??= chosen ?? configureWasmThreads();
  return inForce;
}

/** The count in force, or null before the first wasm session. */
export function wasmThreadsInForce(): number | null {
  return inForce;
}

/**
 * A model load's request: sets the count while it can still change, and otherwise says why the
 * count in force stays (the returned note), e.g. a page that loaded a CPU model before.
 */
export function requestWasmThreads(requested?: number, host: WasmThreadHost = currentHost()): { threads: number; note?: string } {
  const wanted = wasmThreadCount(host, requested);
  const threads = configureWasmThreads(requested, host);
  if (threads === wanted) return { threads };
  return {
    threads,
    note: `${threads} wasm thread${threads === 1 ? '' : 's'}: the count is fixed when the page first runs a model on the CPU; reload the page to use ${wanted}`,
  };
}
