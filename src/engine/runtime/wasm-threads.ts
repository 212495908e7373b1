/**
 * Threads of onnxruntime-web's wasm EP. Threaded wasm needs SharedArrayBuffer, which a page only has
 * when it is cross-origin isolated (COOP/COEP, served so by `npm start`/`preview`); then every core
 * the browser reports is used. Node keeps one thread for wasm: there the native backend is the fast
 * path and the tests share the machine's cores.
 *
 * ORT reads `env.wasm.numThreads` once, when the first wasm session initializes the module, so the
 * count must be set before that; `configureWasmThreads` reports the count actually in force.
 */
import * as ort from 'onnxruntime-web';

export interface WasmThreadHost {
  /** Node (worker_threads are not used by ORT's wasm build there). */
  node: boolean;
  /** `self.crossOriginIsolated` (SharedArrayBuffer available). */
  crossOriginIsolated: boolean;
  /** `navigator.hardwareConcurrency` (0 or undefined when unknown). */
  hardwareConcurrency: number | undefined;
}

/** The thread count to use on a host; `requested` (≥ 1) is honoured up to what the host allows. */
export function wasmThreadCount(host: WasmThreadHost, requested?: number): number {
  if (requested !== undefined && !(Number.isInteger(requested) && requested >= 1))
    throw new RangeError(`wasm threads: expected a positive integer, got ${requested}`);
  if (host.node || !host.crossOriginIsolated) return 1;
  const cores = Math.max(1, Math.floor(host.hardwareConcurrency ?? 1) || 1);
  return requested === undefined ? cores : Math.min(requested, cores);
}

/** This JS realm as a host. */
export function currentHost(): WasmThreadHost {
  const g = globalThis as {
    crossOriginIsolated?: boolean;
    navigator?: { hardwareConcurrency?: number };
    process?: { versions?: { node?: string } };
  };
  return {
    node: typeof g.process?.versions?.node === 'string',
    crossOriginIsolated: g.crossOriginIsolated === true,
    hardwareConcurrency: g.navigator?.hardwareConcurrency,
  };
}

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
