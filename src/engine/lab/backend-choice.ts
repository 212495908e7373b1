/**
 * Which backend runs the model. "auto" takes WebGPU when the browser has a real adapter; when the
 * only adapter is a software fallback (SwiftShader: Vulkan emulated on the CPU) it takes the CPU
 * (wasm) backend instead, which on such a machine loads the demo ~7× and runs it ~10× faster
 * (measured: 35 s vs 5 s to load, 148 s vs 14 s for the default run). An explicit choice is obeyed.
 */
import type { GpuDeviceInfo } from '../gpu/device';
import type { BackendChoice } from './lab-types';

export interface AdapterFacts {
  isFallbackAdapter: boolean;
  description: string;
}

/** The adapter as the rule reads it, named by vendor and architecture (the page's device panel and the CLI say the same). */
export function adapterFacts(info: GpuDeviceInfo): AdapterFacts {
  const { vendor, architecture, isFallbackAdapter } = info.adapter;
  return { isFallbackAdapter, description: [vendor, architecture].filter(Boolean).join(' · ') || 'unknown adapter' };
}

export type BackendDecision = { backend: 'wasm'; note?: string } | { backend: 'webgpu' };

export function chooseBackend(choice: BackendChoice, adapter: AdapterFacts | null): BackendDecision {
  if (choice === 'wasm') return { backend: 'wasm' };
  if (choice === 'webgpu') return { backend: 'webgpu' };
  if (!adapter) return { backend: 'wasm', note: 'no WebGPU device: running on the CPU (wasm)' };
  if (adapter.isFallbackAdapter)
    return {
      backend: 'wasm',
      note: `the only WebGPU adapter is a software fallback (${adapter.description}), slower than the CPU backend: running on the CPU (wasm); choose WebGPU to use it anyway`,
    };
  return { backend: 'webgpu' };
}
