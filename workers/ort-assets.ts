/**
 * Where onnxruntime-web finds its Emscripten module (.mjs) and binary (.wasm) in our bundles.
 *
 * By default ORT finds its .wasm next to its own script, which breaks once Vite moves the script
 * (dev pre-bundling, hashed build assets), so each ORT build the engine imports gets the URL of the
 * exact binary it was built against, emitted by Vite as an asset.
 *
 * The .mjs matters for threads. ORT's bundle embeds its Emscripten module, and a threaded session
 * starts its pthread workers with `new Worker(import.meta.url)`: in a built site that URL is the
 * engine worker's chunk, which holds the whole lab and *both* ORT builds (the JSEP one of
 * 'onnxruntime-web' and the asyncify one of 'onnxruntime-web/webgpu'). Each pthread worker ran both
 * builds' pthread start-up; the asyncify one took `self.onmessage` last and ignored the JSEP
 * module's 'load' message, so the pthread never reported 'loaded' and the first threaded session
 * never returned. Given an .mjs URL, ORT imports that standalone module instead of the embedded
 * one, and its pthread workers load the same small file: one Emscripten build per pthread worker,
 * none of our code.
 */
import * as ortWasm from 'onnxruntime-web';
import * as ortWebGpu from 'onnxruntime-web/webgpu';
import jsepMjs from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url';
import jsepWasm from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import asyncifyMjs from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import asyncifyWasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';

const absolute = (url: string) => new URL(url, self.location.href).href;

export function configureOrtAssets(): void {
  // 'onnxruntime-web' (used by the wasm runtime) is the JSEP build; 'onnxruntime-web/webgpu' the asyncify one.
  ortWasm.env.wasm.wasmPaths = { mjs: absolute(jsepMjs), wasm: absolute(jsepWasm) };
  ortWebGpu.env.wasm.wasmPaths = { mjs: absolute(asyncifyMjs), wasm: absolute(asyncifyWasm) };
}
