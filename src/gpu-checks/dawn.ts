/**
 * The WGSL kernel checks and the runtime-vs-float64 checks under Vitest, on Dawn's Node binding
 * (SwiftShader here and in CI): the checks themselves are the browser harness's (e2e/pages/*-checks.ts,
 * the bounds of e2e/pages/check-bounds.ts), which call requestGpu / getSharedGpu on `navigator.gpu` —
 * installed here from Dawn (gpu/node-gpu.ts) before they run (docs/design.md §4). The Vulkan loader
 * is found through LD_LIBRARY_PATH, read when a process starts: vitest.config.ts gives it to the
 * workers (swiftShaderEnv). This folder sits beside src/engine/, not in it: the check code is the
 * harness pages' (e2e/pages/), and the engine imports nothing above it (docs/design.md, the map;
 * src/engine/import-arrows.test.ts).
 */
import { nodeGpu } from '../engine/gpu/node-gpu';
import { dawnSkipReason } from '../engine/gpu/swiftshader';

/** Why these checks cannot run here, or null; the suites that use it name it in their title. */
export const dawnSkip = dawnSkipReason();

/** `navigator.gpu` from Dawn, and onnxruntime-web's wasm on one thread (every node runs on the WebGPU EP, as nodeSharedGpu sets it). */
export async function installDawn(): Promise<void> {
  await nodeGpu();
  (await import('onnxruntime-web/webgpu')).env.wasm.numThreads = 1;
  (await import('onnxruntime-web')).env.wasm.numThreads = 1;
}
