/**
 * The GPU backend: onnxruntime-web's WebGPU EP on *our* GPUDevice (the one the WGSL kernels use,
 * from gpu/device.ts), so weights live once, in our buffers, and enter every session through
 * ort.Tensor.fromGpuBuffer without a copy. Every tensor is uploaded when the runtime opens and the
 * buffers are the only copy of those never edited (read back for an export); an edit rewrites the
 * changed buffer with queue.writeBuffer from the runtime's CPU copy of that tensor.
 *
 * Outputs are read back to the CPU: the ModelRuntime contract hands Float32Arrays to the editors.
 * In the browser, and in Node on Dawn's binding (gpu/node-gpu.ts, docs/design.md §4). Under Vite's pre-bundling the
 * caller must point `ort.env.wasm.wasmPaths` at the asyncify .wasm (e2e/pages/runtime-webgpu.ts shows
 * how), and in a built site at the asyncify .mjs too, or threaded sessions hang (workers/ort-assets.ts). Every node of our graphs runs on the WebGPU EP: e2e/runtime-webgpu.spec.ts creates the
 * sessions with `disableCpuFallback` and would fail otherwise.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { paddedSize, readBuffer, storageUsage, uploadBuffer, writeBuffer } from '../gpu/buffers';
import { emitOnnx } from '../graph/onnx/emit';
import { blockName, resolveWeight, rowBlocks } from '../graph/models/weight-blocks';
import type { Fetch } from '../graph/ort-session';
import type { LoadedModel } from '../model/load';
import type { HeldWeights, Tensor16, Tensor32 } from '../model/spec';
import { widen16 } from '../safetensors/dtypes';
import type { CompiledGraph, GraphExecutor } from './executor';
import { GraphRuntime, type GraphRuntimeOptions } from './graph-runtime';

export interface WebGpuRuntimeOptions extends GraphRuntimeOptions {
  /** Fail session creation when any node would fall back to the CPU EP (tests). */
  disableCpuFallback?: boolean;
  /** Extra ORT session options (e.g. logSeverityLevel 0 to see node placement). */
  sessionOptions?: ort.InferenceSession.SessionOptions;
}

/** Bytes of one upload before waiting for the queue (64 MiB), and of one readback's staging buffer (16 MiB). */
const UPLOAD_SLICE = 64 * 2 ** 20;
const READBACK_SLICE = 16 * 2 ** 20;

interface GpuWeight {
  buffer: GPUBuffer;
  tensor: ort.Tensor;
  /** Bytes per value: 2 for a frozen tensor held in fp16 (its values times 2^shift), else 4. */
  bytes: 2 | 4;
  shift: number;
}

/** One GPU buffer of a tensor: the whole, or a row block starting at `row`. */
interface Part {
  input: string;
  row: number;
  rows: number;
}

export class WebGpuExecutor implements GraphExecutor {
  readonly backend = 'webgpu' as const;
  /** ORT's WebGPU EP runs float16 only on a device with 'shader-f16' (gpu/device.ts requests it where the adapter has it). */
  readonly float16: boolean;
  /** By graph input name: a tensor, or a row block of one. */
  private readonly gpuWeights = new Map<string, GpuWeight>();
  /** Tensor name → the buffers holding it. */
  private readonly parts = new Map<string, { cols: number; parts: Part[] }>();

  constructor(
    private readonly device: GPUDevice,
    private readonly opts: WebGpuRuntimeOptions = {},
  ) {
    this.float16 = device.features.has('shader-f16');
  }

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

  /**
   * Uploads waiting for the queue after every UPLOAD_SLICE bytes: Dawn stages a writeBuffer in
   * memory of its own and reuses it once the queue has moved on, so writing a whole model at once
   * held a second copy of it (measured on SwiftShader: a 512 MiB buffer written whole grew the GPU
   * process by 1,024 MiB, in 64 MiB slices by 639 MiB; docs/design.md §4).
   */
  async holdWeights(weights: HeldWeights, maxWeightBytes: number | undefined): Promise<void> {
    let pending = 0;
    for (const [name, held] of weights) {
      // fp16 stays fp16 where the device runs it; elsewhere it is widened here, one tensor at a time.
      const t = 'shift' in held && !this.float16 ? { shape: held.shape, data: widen16(held.data, held.shift) } : held;
      const one = new Map([[name, t]]);
      const cols = t.shape.length === 2 ? t.shape[1] : t.data.length;
      const ranges = t.shape.length === 2 ? rowBlocks(t.shape[0], cols, maxWeightBytes) : [[0, 1]];
      const parts = ranges.map(([start, end]) => ({
        input: ranges.length === 1 ? name : blockName(name, start, end),
        row: start,
        rows: end - start,
      }));
      for (const p of parts) {
        const t = resolveWeight(one, p.input);
        const bytes = t.data.BYTES_PER_ELEMENT as 2 | 4;
        const buffer = this.device.createBuffer({ size: paddedSize(t.data.byteLength), usage: storageUsage(), label: p.input });
        for (let at = 0; at < t.data.length; at += UPLOAD_SLICE / bytes) {
          const slice = t.data.subarray(at, at + UPLOAD_SLICE / bytes);
          if (pending + slice.byteLength > UPLOAD_SLICE) {
            await this.device.queue.onSubmittedWorkDone();
            pending = 0;
          }
          writeBuffer(this.device, buffer, slice, at * bytes);
          pending += slice.byteLength;
        }
        this.gpuWeights.set(p.input, gpuWeight(buffer, t.shape, shiftOf(t)));
      }
      this.parts.set(name, { cols, parts });
    }
    await this.device.queue.onSubmittedWorkDone();
  }

  async readWeight(name: string, shape: readonly number[]): Promise<Float32Array> {
    const held = this.parts.get(name);
    if (!held) throw new Error(`weight '${name}' is not on the GPU`);
    const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
    // In slices, so the staging buffer of a readback stays small next to the weights.
    for (const p of held.parts) {
      const { buffer, bytes, shift } = this.gpuWeights.get(p.input)!;
      const n = p.rows * held.cols;
      for (let at = 0; at < n; at += READBACK_SLICE / 4) {
        const count = Math.min(READBACK_SLICE / 4, n - at);
        const raw = await readBuffer(this.device, buffer, paddedSize(count * bytes), at * bytes);
        const values = bytes === 2 ? widen16(new Uint16Array(raw, 0, count), shift) : new Float32Array(raw);
        out.set(values, p.row * held.cols + at);
      }
    }
    return out;
  }

  weightChanged(name: string, data: Float32Array): void {
    const held = this.parts.get(name);
    const blocks = held && held.parts.length > 1 ? held.parts : [];
    for (const p of blocks)
      writeBuffer(this.device, this.gpuWeights.get(p.input)!.buffer, data.subarray(p.row * held!.cols, (p.row + p.rows) * held!.cols));
    // The whole tensor's buffer, where there is one (held, uploaded, or assembled from the blocks).
    const w = this.gpuWeights.get(name);
    if (w) writeBuffer(this.device, w.buffer, data);
  }

  async dispose(): Promise<void> {
    for (const w of this.gpuWeights.values()) w.buffer.destroy();
    this.gpuWeights.clear();
    this.parts.clear();
  }

  private upload(input: string, t: Tensor32 | Tensor16): GpuWeight {
    const w = gpuWeight(uploadBuffer(this.device, t.data, undefined, input), t.shape, shiftOf(t));
    this.gpuWeights.set(input, w);
    return w;
  }

  /**
   * A graph input's GPU buffer: held since the runtime opened, or uploaded now from the CPU arrays
   * given (an executor used without holdWeights), or — a whole table held in row blocks, for a graph
   * built without the cap — assembled from its blocks on the GPU.
   */
  private weight(name: string, weights: HeldWeights): GpuWeight {
    const w = this.gpuWeights.get(name);
    if (w) return w;
    if (weights.has(name) || !this.parts.has(name)) return this.upload(name, resolveWeight(weights, name));
    const { cols, parts } = this.parts.get(name)!;
    const rows = parts.reduce((n, p) => n + p.rows, 0);
    const { bytes, shift } = this.gpuWeights.get(parts[0].input)!;
    const buffer = this.device.createBuffer({
      size: paddedSize(rows * cols * bytes),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      label: name,
    });
    const enc = this.device.createCommandEncoder({ label: `assemble ${name}` });
    for (const p of parts)
      enc.copyBufferToBuffer(this.gpuWeights.get(p.input)!.buffer, 0, buffer, p.row * cols * bytes, paddedSize(p.rows * cols * bytes));
    this.device.queue.submit([enc.finish()]);
    const whole = gpuWeight(buffer, [rows, cols], bytes === 2 ? shift : undefined);
    this.gpuWeights.set(name, whole);
    return whole;
  }
}

/** A GPU buffer holding a tensor as ORT sees it: float16 for fp16 bits (of values × 2^shift), else float32. */
function gpuWeight(buffer: GPUBuffer, dims: readonly number[], shift?: number): GpuWeight {
  const half = shift !== undefined;
  return {
    buffer,
    bytes: half ? 2 : 4,
    shift: shift ?? 0,
    tensor: ort.Tensor.fromGpuBuffer(buffer, { dataType: half ? 'float16' : 'float32', dims }),
  };
}

/** The fp16 shift of a held tensor, or undefined for fp32. */
const shiftOf = (t: Tensor32 | Tensor16) => ('shift' in t ? t.shift : undefined);

/**
 * The most bytes one weight buffer may hold on this device (a larger table enters the graphs in row
 * blocks, graph/models/weight-blocks.ts): what one buffer and one storage binding may hold, or a lower cap.
 */
export function weightBufferCap(device: GPUDevice, cap = Infinity): number {
  return Math.min(device.limits.maxBufferSize, device.limits.maxStorageBufferBindingSize, cap);
}

export async function createWebGpuRuntime(
  loaded: Pick<LoadedModel<HeldWeights>, 'spec' | 'weights' | 'modules'>,
  device: GPUDevice,
  opts: WebGpuRuntimeOptions = {},
): Promise<GraphRuntime> {
  const runtime = new GraphRuntime(loaded, new WebGpuExecutor(device, opts), opts);
  await runtime.handOverWeights();
  return runtime;
}
