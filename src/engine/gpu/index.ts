/** The WebGPU harness: device acquisition, shader loading, pipelines, buffers, dispatch, kernels. */
export {
  getSharedGpu,
  requestGpu,
  WANTED_FEATURES,
  WANTED_LIMITS,
  type GpuDeviceInfo,
  type GpuAdapterSummary,
  type SharedGpu,
} from './device';
export { WebGpuUnavailableError, GpuShaderError, GpuValidationError } from './errors';
export { sourcesFromRecord, type ShaderSources } from './shader-sources';
export { PipelineCache, pipelineKey, type PipelineRequest, type OverrideConstants } from './pipelines';
export { BufferPool, paddedSize, readBuffer, readFloat32, storageUsage, uploadBuffer, writeBuffer } from './buffers';
export { ceilDiv, splitWorkgroups, grid2d, encodeKernel, type Grid, type KernelCall } from './dispatch';
export { withErrorScope } from './error-scope';
export { maxRelativeError } from './compare';
export { createGpuContext, runKernel, uniformU32, type GpuContext, type GpuContextOptions } from './context';
export { gpuMatmul, gpuMatmulArrays } from './kernels/matmul';
export { gpuColumnMoments, gpuColumnMomentsArrays, type GpuMoments } from './kernels/moments';
