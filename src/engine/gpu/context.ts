/**
 * Everything a kernel wrapper needs: the device, where shaders come from, the pipeline cache and
 * the buffer pool. One per device; cheap to create.
 */
import { BufferPool } from './buffers';
import { PipelineCache } from './pipelines';
import type { ShaderSources } from './shader-sources';

export interface GpuContext {
  device: GPUDevice;
  pipelines: PipelineCache;
  pool: BufferPool;
  /** Usually the device limit; lower it in tests to exercise 2D grid splitting. */
  maxWorkgroupsPerDimension: number;
}

export interface GpuContextOptions {
  maxWorkgroupsPerDimension?: number;
}

export function createGpuContext(device: GPUDevice, sources: ShaderSources, opts: GpuContextOptions = {}): GpuContext {
  return {
    device,
    pipelines: new PipelineCache(device, sources),
    pool: new BufferPool(device),
    maxWorkgroupsPerDimension: Math.min(opts.maxWorkgroupsPerDimension ?? Infinity, device.limits.maxComputeWorkgroupsPerDimension),
  };
}
