/**
 * Everything a kernel wrapper needs: the device, where shaders come from, the pipeline cache and
 * the buffer pool. One per device; cheap to create.
 */
import { BufferPool } from './buffers';
import { withErrorScope } from './error-scope';
import { encodeKernel, type KernelCall } from './dispatch';
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

/** Encodes and submits one kernel inside an error scope that names it. */
export function runKernel(ctx: GpuContext, call: KernelCall): Promise<void> {
  return withErrorScope(ctx.device, call.label, () => {
    const encoder = ctx.device.createCommandEncoder({ label: call.label });
    encodeKernel(ctx.device, encoder, call);
    ctx.device.queue.submit([encoder.finish()]);
  });
}

/** A small uniform buffer from the pool holding `words` as u32. */
export function uniformU32(ctx: GpuContext, words: number[]): GPUBuffer {
  const data = new Uint32Array(Math.ceil(words.length / 4) * 4);
  data.set(words);
  const buffer = ctx.pool.acquire(data.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, 'dims');
  ctx.device.queue.writeBuffer(buffer, 0, data);
  return buffer;
}
