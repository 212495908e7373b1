/**
 * `--backend webgpu` in Node: the lab's own WebGPU path — the model on onnxruntime-web's WebGPU EP
 * (runtime/webgpu-runtime.ts) and the editor math in the WGSL GPU editor (gpu/editor/), on one Dawn
 * device (gpu/node-gpu.ts) — with the page's rules: a software adapter only when asked for
 * (`--allow-software-adapter`, as the page takes one only when WebGPU is chosen by hand), the editor
 * math `--editor-math auto|gpu|cpu` as the page's selector (gpu/editor/backend-choice.ts), and frozen
 * weights of a 16-bit checkpoint held in 16 bits (docs/design.md §4).
 */
import type { SharedGpu } from '../engine/gpu/device';
import { createGpuContext } from '../engine/gpu/context';
import { createRunEditor, type EditorMathRequest, type RunEditor } from '../engine/gpu/editor/backend-choice';
import { NodeGpuUnavailable, nodeSharedGpu } from '../engine/gpu/node-gpu';
import { fileEditorShaderSources } from '../engine/gpu/shader-sources-fs';
import { adapterFacts } from '../engine/lab/backend-choice';
import type { EditorOptions } from '../engine/editors/editor';
import { InputError } from '../engine/types';
import { str, type FlagTable, type Flags } from './args';

export const GPU_FLAGS = { 'allow-software-adapter': { kind: 'bool' } } satisfies FlagTable;
/** The commands that run editor math (run, replay). */
export const EDITOR_MATH_FLAGS = { 'editor-math': { kind: 'string', choices: ['auto', 'gpu', 'cpu'] } } satisfies FlagTable;

export const wantsWebGpu = (flags: Flags) => flags.backend === 'webgpu';

/**
 * The device for --backend webgpu, or null for the CPU backends. Says on stderr which adapter it got;
 * refuses a software adapter without --allow-software-adapter, and says what to install where there is none.
 */
export async function gpuFlag(flags: Flags): Promise<SharedGpu | null> {
  if (!wantsWebGpu(flags)) return null;
  let gpu: SharedGpu;
  try {
    gpu = await nodeSharedGpu();
  } catch (e) {
    if (e instanceof NodeGpuUnavailable) throw new InputError('--backend webgpu', e.message);
    throw e;
  }
  const a = adapterFacts(gpu.info);
  const kind = a.isFallbackAdapter ? 'software' : 'hardware';
  if (a.isFallbackAdapter && flags['allow-software-adapter'] !== true) {
    gpu.device.destroy();
    throw new InputError(
      '--backend webgpu',
      `the only WebGPU adapter is a software one (${a.description}): far slower than --backend native; pass --allow-software-adapter to use it anyway, or install the GPU's Vulkan driver`,
    );
  }
  const f16 = gpu.info.features.includes('shader-f16') ? 'shader-f16' : 'no shader-f16';
  process.stderr.write(`webgpu: ${a.description} (${kind} adapter, ${f16})\n`);
  return gpu;
}

/** The run's editor on --editor-math: the GPU editor on the model's device, or the float64 one (a fallback says why on stderr, as the page does). */
export async function editorFlag(flags: Flags, editor: string, options: EditorOptions, gpu: SharedGpu | null): Promise<RunEditor> {
  const request = str(flags, 'editor-math', 'auto') as EditorMathRequest;
  const chosen = await createRunEditor({
    editor,
    modelBackend: gpu ? 'webgpu' : 'node',
    gpu: gpu !== null,
    ctx: gpu && request !== 'cpu' ? createGpuContext(gpu.device, fileEditorShaderSources()) : null,
    request,
    options,
  });
  if (chosen.fallback) process.stderr.write(`warning: editor math on the CPU (float64): ${chosen.fallback}\n`);
  else if (gpu) process.stderr.write(`editor math: ${chosen.backend === 'gpu' ? 'GPU (WGSL)' : 'CPU (float64)'}\n`);
  return chosen;
}

/**
 * Resolves when the device is lost (a driver reset, the GPU taken away, or destroyed): each step of a
 * run races it, so a lost device stops the run with its last checkpoint intact instead of hanging.
 */
export function deviceLost(gpu: SharedGpu | null): Promise<never> {
  if (!gpu) return new Promise(() => {});
  return gpu.device.lost.then((info) => {
    throw new GpuDeviceLost(`the WebGPU device was lost (${info.reason}${info.message ? `: ${info.message}` : ''})`);
  });
}

export class GpuDeviceLost extends Error {}
