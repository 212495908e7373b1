/**
 * Runs emitted graphs on onnxruntime-web's wasm EP (Node and the browser fallback). Inputs are
 * flat typed arrays; shapes and dtypes come from the graph's declared inputs, so a wrong-sized
 * feed fails here with the input's name rather than inside ORT.
 */
import * as ort from 'onnxruntime-web';
import type { DType } from './ir';
import { sizeOf } from './tensor';
import type { GraphBuilder } from './builder';
import { emitOnnx } from './onnx/emit';

export type Feed = Float32Array | Int32Array;
export type Fetch = Float32Array | Int32Array | Uint8Array | BigInt64Array;

export interface TensorSignature {
  name: string;
  dtype: DType;
  shape: number[];
}

const ORT_TYPE: Record<DType, 'float32' | 'int32' | 'int64' | 'bool'> = {
  float32: 'float32',
  int32: 'int32',
  int64: 'int64',
  bool: 'bool',
};

let configured = false;
function configure(): void {
  if (configured) return;
  configured = true;
  // one thread: Node has no cross-origin isolation to worry about, and tests share 2 cores
  ort.env.wasm.numThreads = 1;
}

export class WasmGraphSession {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly inputs: TensorSignature[],
    readonly outputs: TensorSignature[],
    readonly nodeCount: number,
  ) {}

  static async create(bytes: Uint8Array, inputs: TensorSignature[], outputs: TensorSignature[], nodeCount = 0): Promise<WasmGraphSession> {
    configure();
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
    });
    return new WasmGraphSession(session, inputs, outputs, nodeCount);
  }

  /** Emits `g` and opens a session on it. */
  static async fromGraph(g: GraphBuilder, name = 'graph'): Promise<WasmGraphSession> {
    const m = emitOnnx(g, name);
    const sig = (v: { name?: string; dtype: DType; shape: readonly number[] }) => ({ name: v.name!, dtype: v.dtype, shape: [...v.shape] });
    return WasmGraphSession.create(m.bytes, g.inputs.map(sig), g.outputs.map(sig), m.nodeCount);
  }

  async run(feeds: Record<string, Feed>): Promise<Record<string, Fetch>> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const s of this.inputs) {
      const f = feeds[s.name];
      if (!f) throw new Error(`graph run: missing input '${s.name}' (${s.dtype}[${s.shape}])`);
      const want = s.dtype === 'float32' ? Float32Array : Int32Array;
      if (!(f instanceof want) || f.length !== sizeOf(s.shape))
        throw new Error(
          `graph run: input '${s.name}' needs ${s.dtype}[${s.shape}] (${sizeOf(s.shape)} elements), got ${f.constructor.name}(${f.length})`,
        );
      ortFeeds[s.name] = new ort.Tensor(ORT_TYPE[s.dtype], f, s.shape);
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
