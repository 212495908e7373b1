/**
 * How many threads onnxruntime-web's wasm EP and the float64 editor math (linalg/parallel/) get on
 * a host: pure policy, without ORT, so the browser tests can state the count they expect
 * (wasm-threads.ts and the float64 pools apply it).
 */
import { InputError } from '../types';

/**
 * The most threads used without being asked. ORT's own default is half the logical cores, at most
 * 4, which on a 2-core machine means one thread; we take every logical core (2 threads on 2 cores:
 * docs/benchmarks.md), but stop at 8 without a measurement beyond 2 cores: the lab's ops (MatMuls of
 * a few dozen tokens by a model's width) split into ever smaller pieces, and every pthread worker
 * holds its own instance of the module. A larger count can still be asked for.
 */
export const WASM_THREAD_CAP = 8;

export interface WasmThreadHost {
  /** Node (worker_threads are not used by ORT's wasm build there). */
  node: boolean;
  /** `self.crossOriginIsolated` (SharedArrayBuffer available). */
  crossOriginIsolated: boolean;
  /** `navigator.hardwareConcurrency` (0 or undefined when unknown). */
  hardwareConcurrency: number | undefined;
}

/**
 * The thread count to use on a host: every core up to WASM_THREAD_CAP, or `requested` (≥ 1) up to
 * the host's cores; one where threads are impossible.
 */
export function wasmThreadCount(host: WasmThreadHost, requested?: number): number {
  const n = coreThreadCount(host.hardwareConcurrency, requested, 'wasm threads');
  return host.node || !host.crossOriginIsolated ? 1 : n;
}

/**
 * The rule itself, for `cores` logical cores (0 or undefined when unknown): every core up to
 * WASM_THREAD_CAP, or `requested` (≥ 1, checked; `what` names it in the error) up to the cores.
 */
export function coreThreadCount(cores: number | undefined, requested?: number, what = 'threads'): number {
  if (requested !== undefined && !(Number.isInteger(requested) && requested >= 1))
    throw new InputError(what, `expected a positive integer, got ${requested}`);
  const have = Math.max(1, Math.floor(cores ?? 1) || 1);
  return requested === undefined ? Math.min(have, WASM_THREAD_CAP) : Math.min(requested, have);
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
