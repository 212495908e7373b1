/**
 * The GPU backend: onnxruntime-web's WebGPU EP on *our* GPUDevice (the one the WGSL kernels use,
 * from gpu/device.ts), so weights live once, in our buffers, and enter every session through
 * ort.Tensor.fromGpuBuffer without a copy. The runtime's Float32Arrays stay the source of truth
 * (weights(), checkpoints); an edit rewrites the one changed buffer with queue.writeBuffer.
 *
 * Outputs are read back to the CPU: the ModelRuntime contract hands Float32Arrays to the editors.
 * Browser only (ORT's WebGPU EP does not run under Node, docs/design.md §4). Under Vite's pre-bundling the
 * caller must point `ort.env.wasm.wasmPaths` at the asyncify .wasm (e2e/pages/runtime-webgpu.ts shows
 * how), and in a built site at the asyncify .mjs too, or threaded sessions hang (workers/ort-assets.ts). Every node of our graphs runs on the WebGPU EP: e2e/runtime-webgpu.spec.ts creates the
 * sessions with `disableCpuFallback` and would fail otherwise.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { uploadBuffer, writeBuffer } from '../gpu/buffers';
import { emitOnnx } from '../graph/onnx/emit';
import { resolveWeight } from '../graph/models/weight-blocks';
import type { Fetch } from '../graph/ort-session';
import type { LoadedModel } from '../model/load';
import type { Weights } from '../model/spec';
import type { CompiledGraph, GraphExecutor } from './executor';
import { GraphRuntime, type GraphRuntimeOptions } from './graph-runtime';

export interface WebGpuRuntimeOptions extends GraphRuntimeOptions {
  /** Fail session creation when any node would fall back to the CPU EP (tests). */
  disableCpuFallback?: boolean;
  /** Extra ORT session options (e.g. logSeverityLevel 0 to see node placement). */
  sessionOptions?: ort.InferenceSession.SessionOptions;
}

interface GpuWeight {
  buffer: GPUBuffer;
  tensor: ort.Tensor;
}

export class WebGpuExecutor implements GraphExecutor {
  readonly backend = 'webgpu' as const;
  private readonly gpuWeights = new Map<string, GpuWeight>();

  constructor(
    private readonly device: GPUDevice,
    private readonly opts: WebGpuRuntimeOptions = {},
  ) {}

  async compile(mg: Parameters<GraphExecutor['compile']>[0], name: string): Promise<CompiledGraph> {
    const { bytes, nodeCount } = emitOnnx(mg.g, name);
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: [{ name: 'webgpu', device: this.device }],
      graphOptimizationLevel: 'all',
      ...(this.opts.disableCpuFallback ? { extra: { session: { disable_cpu_ep_fallback: '1' } } } : {}),
      ...this.opts.sessionOptions,
    });
    const weightNames = new Set(mg.weightNames);
    const given = mg.g.inputs.filter((v) => !weightNames.has(v.name!));
    const outputs = mg.g.outputs.map((v) => v.name!);
    return {
      nodeCount,
      run: async (feeds, weights) => {
        const ortFeeds: Record<string, ort.Tensor> = {};
        for (const v of given) {
          const f = feeds[v.name!];
          if (!f) throw new Error(`graph run: missing input '${v.name}'`);
          ortFeeds[v.name!] =
            f instanceof Float32Array ? new ort.Tensor('float32', f, [...v.shape]) : new ort.Tensor('int32', f, [...v.shape]);
        }
        for (const w of mg.weightNames) ortFeeds[w] = this.weight(w, weights).tensor;
        const res = await session.run(ortFeeds);
        const out: Record<string, Fetch> = {};
        for (const o of outputs) {
          out[o] = (await res[o].getData(true)) as Fetch;
          res[o].dispose();
        }
        return out;
      },
      release: () => session.release(),
    };
  }

  weightChanged(name: string, data: Float32Array): void {
    const w = this.gpuWeights.get(name);
    if (w) writeBuffer(this.device, w.buffer, data);
  }

  async dispose(): Promise<void> {
    for (const w of this.gpuWeights.values()) w.buffer.destroy();
    this.gpuWeights.clear();
  }

  /** The weight's GPU copy, uploaded on first use. */
  private weight(name: string, weights: Weights): GpuWeight {
    let w = this.gpuWeights.get(name);
    if (!w) {
      const t = resolveWeight(weights, name);
      const buffer = uploadBuffer(this.device, t.data, undefined, name);
      w = { buffer, tensor: ort.Tensor.fromGpuBuffer(buffer, { dataType: 'float32', dims: t.shape }) };
      this.gpuWeights.set(name, w);
    }
    return w;
  }
}

export async function createWebGpuRuntime(
  loaded: Pick<LoadedModel, 'spec' | 'weights' | 'modules'>,
  device: GPUDevice,
  opts: WebGpuRuntimeOptions = {},
): Promise<GraphRuntime> {
  return new GraphRuntime(loaded, new WebGpuExecutor(device, opts), opts);
}
