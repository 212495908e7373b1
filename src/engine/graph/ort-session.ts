/**
 * Runs emitted graphs on a CPU onnxruntime: native (onnxruntime-node, Node's default) or wasm
 * (onnxruntime-web; the browser fallback), see ort-backends.ts. Inputs are flat typed arrays; shapes
 * and dtypes come from the graph's declared inputs, so a wrong-sized feed fails here with the input's
 * name rather than inside ORT.
 */
import type { DType } from './ir';
import { sizeOf } from './tensor';
import type { GraphBuilder } from './builder';
import { emitOnnx } from './onnx/emit';
import { resolveCpuBackend, type CpuBackend, type CpuBackendChoice, type OrtApi } from './ort-backends';

/** Uint16Array: fp16 bits (frozen weights held in 16 bits, docs/design.md §4). */
export type Feed = Float32Array | Int32Array | Uint16Array;
export type Fetch = Float32Array | Int32Array | Uint8Array | BigInt64Array;

export interface TensorSignature {
  name: string;
  dtype: DType;
  shape: number[];
}

const ORT_TYPE: Record<DType, 'float32' | 'float16' | 'int32' | 'int64' | 'bool'> = {
  float32: 'float32',
  float16: 'float16',
  int32: 'int32',
  int64: 'int64',
  bool: 'bool',
};

export interface CpuSessionOptions {
  /** Default 'auto': native in Node when it loads, else wasm. */
  backend?: CpuBackendChoice;
  /** Native backend: intra-op threads (default: ORT's, one per physical core). */
  threads?: number;
  /**
   * Let idle pool threads spin between ops (ORT's default), native and threaded wasm alike. Off by
   * default here, so the lab does not burn a shared machine's cores between runs (the float64 editor
   * math runs right after the captures). Measured on 2 loaded cores (load ≈ 13), spinning made the
   * native GPT-2-small captures and score passes 15–25 % faster: worth turning on where the cores
   * are the lab's own.
   */
  spin?: boolean;
}

type OrtSession = Awaited<ReturnType<OrtApi['InferenceSession']['create']>>;

export class GraphSession {
  private constructor(
    private readonly ort: OrtApi,
    private readonly session: OrtSession,
    readonly backend: CpuBackend,
    readonly inputs: TensorSignature[],
    readonly outputs: TensorSignature[],
    readonly nodeCount: number,
  ) {}

  static async create(
    bytes: Uint8Array,
    inputs: TensorSignature[],
    outputs: TensorSignature[],
    nodeCount = 0,
    opts: CpuSessionOptions = {},
  ): Promise<GraphSession> {
    const { backend, ort } = await resolveCpuBackend(opts.backend);
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: [backend === 'native' ? 'cpu' : 'wasm'],
      graphOptimizationLevel: 'all',
      ...(backend === 'native' && opts.threads ? { intraOpNumThreads: opts.threads } : {}),
      extra: { session: { intra_op: { allow_spinning: opts.spin ? '1' : '0' } } },
    });
    return new GraphSession(ort, session, backend, inputs, outputs, nodeCount);
  }

  /** Emits `g` and opens a session on it. */
  static async fromGraph(g: GraphBuilder, name = 'graph', opts: CpuSessionOptions = {}): Promise<GraphSession> {
    const m = emitOnnx(g, name);
    const sig = (v: { name?: string; dtype: DType; shape: readonly number[] }) => ({ name: v.name!, dtype: v.dtype, shape: [...v.shape] });
    return GraphSession.create(m.bytes, g.inputs.map(sig), g.outputs.map(sig), m.nodeCount, opts);
  }

  async run(feeds: Record<string, Feed>): Promise<Record<string, Fetch>> {
    const ortFeeds: Record<string, InstanceType<OrtApi['Tensor']>> = {};
    for (const s of this.inputs) {
      const f = feeds[s.name];
      if (!f) throw new Error(`graph run: missing input '${s.name}' (${s.dtype}[${s.shape}])`);
      const want = s.dtype === 'float32' ? Float32Array : s.dtype === 'float16' ? Uint16Array : Int32Array;
      if (!(f instanceof want) || f.length !== sizeOf(s.shape))
        throw new Error(
          `graph run: input '${s.name}' needs ${s.dtype}[${s.shape}] (${sizeOf(s.shape)} elements), got ${f.constructor.name}(${f.length})`,
        );
      ortFeeds[s.name] = new this.ort.Tensor(ORT_TYPE[s.dtype], f, s.shape);
    }
    const res = await this.session.run(ortFeeds);
    const out: Record<string, Fetch> = {};
    for (const s of this.outputs) {
      out[s.name] = res[s.name].data as Fetch;
      res[s.name].dispose();
    }
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
