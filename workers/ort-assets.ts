/**
 * onnxruntime-web finds its .wasm next to its own script by default, which breaks once Vite moves
 * the script (dev pre-bundling, hashed build assets). Both ORT builds the engine imports get the URL
 * of the exact binary they were built against, emitted by Vite as an asset.
 */
import * as ortWasm from 'onnxruntime-web';
import * as ortWebGpu from 'onnxruntime-web/webgpu';
import jsepWasm from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import asyncifyWasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';

export function configureOrtAssets(): void {
  // 'onnxruntime-web' (used by the wasm runtime) is the JSEP build; 'onnxruntime-web/webgpu' the asyncify one.
  ortWasm.env.wasm.wasmPaths = { wasm: new URL(jsepWasm, self.location.href).href };
  ortWebGpu.env.wasm.wasmPaths = { wasm: new URL(asyncifyWasm, self.location.href).href };
}
