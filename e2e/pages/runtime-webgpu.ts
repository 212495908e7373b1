/**
 * Browser side of e2e/runtime-webgpu.harness.spec.ts: the checks of runtime-checks.ts as
 * window.runtimeWebGpu, with ORT pointed at its wasm binaries.
 */
import * as ort from 'onnxruntime-web/webgpu';
import * as ortWasm from 'onnxruntime-web';
import asyncifyWasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import jsepWasm from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import { runFrozen16Check, runRuntimeChecks } from './runtime-checks';

// Vite pre-bundles ORT, which breaks its `new URL(wasm, import.meta.url)`: name the binaries ourselves
// (the WebGPU bundle runs the asyncify build, the default bundle — our wasm runtime — the jsep one).
ort.env.wasm.wasmPaths = { wasm: asyncifyWasm };
ortWasm.env.wasm.wasmPaths = { wasm: jsepWasm };

declare global {
  interface Window {
    runtimeWebGpu: { runRuntimeChecks: typeof runRuntimeChecks; runFrozen16Check: typeof runFrozen16Check };
  }
}

window.runtimeWebGpu = { runRuntimeChecks, runFrozen16Check };
document.getElementById('out')!.textContent = 'ready';
