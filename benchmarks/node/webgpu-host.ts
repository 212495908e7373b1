/**
 * `npm run bench -- --backend webgpu [--allow-software-adapter] [--editor-math auto|gpu|cpu]`: the
 * benchmark on the lab's GPU path in Node — the model on onnxruntime-web's WebGPU EP holding its
 * weights, the editor math in the WGSL GPU editor, on one Dawn device — through the CLI's own helpers
 * (src/cli/gpu.ts gpuFlag, editorFlag: the same adapter rule and editor choice as `run --backend
 * webgpu`, docs/design.md §4). The adapter is named in the table's label, so numbers taken on a
 * software adapter (SwiftShader) say so wherever they are written.
 */
import type { Flags } from '../../src/cli/args';
import { editorFlag, gpuFlag } from '../../src/cli/gpu';
import type { SharedGpu } from '../../src/engine/gpu/device';
import { adapterFacts } from '../../src/engine/lab/backend-choice';
import { GraphRuntime } from '../../src/engine/runtime/graph-runtime';
import { WebGpuExecutor, weightBufferCap } from '../../src/engine/runtime/webgpu-runtime';
import type { BenchHost } from '../src/run-profile';
import { flagValue } from './flag';

export type WebGpuHostParts = Pick<BenchHost, 'newExecutor' | 'backendLabel' | 'openRuntime' | 'newEditor'> & { gpu: SharedGpu };

/** The WebGPU parts of the bench host, or null without `--backend webgpu`; a refused or missing adapter throws the CLI's message. */
export async function webGpuHost(argv: readonly string[]): Promise<WebGpuHostParts | null> {
  if (flagValue(argv, 'backend') !== 'webgpu') return null;
  const flags: Flags = { backend: 'webgpu' };
  if (argv.includes('--allow-software-adapter')) flags['allow-software-adapter'] = true;
  const math = flagValue(argv, 'editor-math');
  if (math !== undefined) {
    if (!['auto', 'gpu', 'cpu'].includes(math)) throw new Error(`bench: --editor-math must be auto, gpu or cpu (got ${math})`);
    flags['editor-math'] = math;
  }
  const gpu = (await gpuFlag(flags))!;
  const a = adapterFacts(gpu.info);
  const f16 = gpu.info.features.includes('shader-f16');
  return {
    gpu,
    newExecutor: async () => new WebGpuExecutor(gpu.device),
    backendLabel: `webgpu on ${a.description} (${a.isFallbackAdapter ? 'software' : 'hardware'} adapter${f16 ? ', shader-f16' : ''})`,
    openRuntime: async (loaded, exec) => {
      const rt = new GraphRuntime(loaded, exec, { maxWeightBytes: weightBufferCap(gpu.device) });
      await rt.handOverWeights();
      return rt;
    },
    newEditor: async (editor, options) => (await editorFlag(flags, editor, options, gpu)).editor,
  };
}
