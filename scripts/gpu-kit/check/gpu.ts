/**
 * The kit's device: Dawn (gpu/node-gpu.ts, its dawn.node shipped beside the bundle), onnxruntime-web
 * pointed at the wasm files beside the bundle, and the adapter described for the report. A missing
 * Vulkan loader or driver becomes one line saying which (node-gpu.ts vulkanDiagnosis), never a trace.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web/webgpu';
import * as ortWasm from 'onnxruntime-web';
import type { SharedGpu } from '../../../src/engine/gpu/device';
import { nodeSharedGpu } from '../../../src/engine/gpu/node-gpu';
import { adapterFacts } from '../../../src/engine/lab/backend-choice';

/** The folder the bundle runs from (its wasm files, dawn.node and demo data sit there). */
export const APP_DIR = dirname(fileURLToPath(import.meta.url));

export interface AdapterNote {
  /** Vendor · architecture (the page's name for it), then the driver's own device name and description. */
  description: string;
  device: string;
  driver: string;
  vendor: string;
  architecture: string;
  software: boolean;
  shaderF16: boolean;
  timestampQuery: boolean;
}

let shared: Promise<SharedGpu> | null = null;

/** The shared device on Dawn (navigator.gpu installed for the check pages' own requestGpu calls). */
export function kitGpu(): Promise<SharedGpu> {
  shared ??= (async () => {
    // The bundle embeds ORT's .mjs glue; the binaries are files beside it, handed over as bytes (Node's
    // fetch takes no file path): the WebGPU bundle runs the asyncify build, the default one the jsep build.
    ort.env.wasm.wasmBinary = readFileSync(join(APP_DIR, 'ort-wasm-simd-threaded.asyncify.wasm'));
    ortWasm.env.wasm.wasmBinary = readFileSync(join(APP_DIR, 'ort-wasm-simd-threaded.jsep.wasm'));
    ortWasm.env.wasm.numThreads = 1;
    return nodeSharedGpu();
  })();
  return shared;
}

export function adapterNote(gpu: SharedGpu): AdapterNote {
  const a = adapterFacts(gpu.info);
  return {
    description: a.description,
    device: gpu.info.adapter.device,
    driver: gpu.info.adapter.description,
    vendor: gpu.info.adapter.vendor,
    architecture: gpu.info.adapter.architecture,
    software: a.isFallbackAdapter,
    shaderF16: gpu.info.features.includes('shader-f16'),
    timestampQuery: gpu.info.features.includes('timestamp-query'),
  };
}
