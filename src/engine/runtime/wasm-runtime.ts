/**
 * The browser worker's CPU runtime (onnxruntime-web's wasm EP, threads per wasm-threads.ts). Node
 * code calls createCpuRuntime, whose default there is the native backend.
 */
import type { LoadedModel } from '../model/load';
import { createCpuRuntime, type CpuRuntimeOptions } from './cpu-runtime';
import type { GraphRuntime } from './graph-runtime';
import type { HeldWeights } from '../model/spec';

export function createWasmRuntime(
  loaded: Pick<LoadedModel<HeldWeights>, 'spec' | 'weights' | 'modules'>,
  opts: Omit<CpuRuntimeOptions, 'backend'> = {},
): Promise<GraphRuntime> {
  return createCpuRuntime(loaded, { ...opts, backend: 'wasm' });
}
