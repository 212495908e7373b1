/**
 * Acquires the one GPUDevice the engine worker shares: our kernels and onnxruntime-web's WebGPU EP
 * must run on the same device so tensors can stay in GPU buffers between them. Asks the adapter for
 * its maximum buffer/workgroup limits (ORT and large weight matrices need more than the defaults)
 * and the optional features ORT can use, where offered.
 */
import { WebGpuUnavailableError } from './errors';

export const WANTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
  'maxUniformBufferBindingSize',
] as const;

export const WANTED_FEATURES = ['shader-f16', 'subgroups', 'timestamp-query'] as const;

export interface GpuAdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
}

/** Plain data (structured-clone safe) describing what the device got; sent to the page as is. */
export interface GpuDeviceInfo {
  adapter: GpuAdapterSummary;
  /** Features enabled on the device. */
  features: string[];
  /** Features the adapter offered (a superset of `features`). */
  adapterFeatures: string[];
  /** Every limit of the device, by WebGPU name. */
  limits: Record<string, number>;
}

export interface SharedGpu {
  adapter: GPUAdapter;
  device: GPUDevice;
  info: GpuDeviceInfo;
}

let shared: Promise<SharedGpu> | undefined;

/**
 * The shared device, requested on first call. A failed request or a lost device clears the cache,
 * so the next call requests a fresh one.
 */
export function getSharedGpu(gpu?: GPU): Promise<SharedGpu> {
  if (!shared) {
    shared = requestGpu(gpu);
    shared.then(
      (s) => void s.device.lost.then(() => (shared = undefined)),
      () => (shared = undefined),
    );
  }
  return shared;
}

export async function requestGpu(gpu: GPU | undefined = globalThis.navigator?.gpu): Promise<SharedGpu> {
  if (!gpu) {
    if (globalThis.isSecureContext === false)
      throw new WebGpuUnavailableError(
        'insecure-context',
        'WebGPU needs a secure context (https:// or http://localhost); this page was served from an insecure origin.',
      );
    throw new WebGpuUnavailableError('no-navigator-gpu', 'This browser does not expose WebGPU (navigator.gpu is missing).');
  }
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter)
    throw new WebGpuUnavailableError('no-adapter', 'WebGPU is present but no GPU adapter was offered (blocklisted or disabled GPU).');

  const requiredLimits: Record<string, number> = {};
  for (const name of WANTED_LIMITS) {
    const v = (adapter.limits as unknown as Record<string, number | undefined>)[name];
    if (typeof v === 'number') requiredLimits[name] = v;
  }
  const requiredFeatures = WANTED_FEATURES.filter((f) => adapter.features.has(f)) as GPUFeatureName[];

  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits, requiredFeatures, label: 'stableedit-lab' });
  } catch (e) {
    throw new WebGpuUnavailableError('device-request-failed', `requestDevice failed: ${(e as Error).message}`);
  }
  return { adapter, device, info: describe(adapter, device) };
}

function describe(adapter: GPUAdapter, device: GPUDevice): GpuDeviceInfo {
  const i = adapter.info;
  return {
    adapter: {
      vendor: i?.vendor ?? '',
      architecture: i?.architecture ?? '',
      device: i?.device ?? '',
      description: i?.description ?? '',
      isFallbackAdapter: Boolean((i as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter),
    },
    features: [...device.features].sort(),
    adapterFeatures: [...adapter.features].sort(),
    limits: readLimits(device.limits),
  };
}

/** GPUSupportedLimits exposes its values as prototype getters: walk them (for…in sees WebIDL attributes). */
function readLimits(limits: GPUSupportedLimits): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key in limits) {
    const v = (limits as unknown as Record<string, unknown>)[key];
    if (typeof v === 'number') out[key] = v;
  }
  for (const key of WANTED_LIMITS) {
    const v = (limits as unknown as Record<string, unknown>)[key];
    if (typeof v === 'number') out[key] = v;
  }
  return out;
}
