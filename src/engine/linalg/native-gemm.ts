/**
 * The float64 GEMM provider on onnxruntime-node (Node only; gemm.ts): one ONNX Gemm node in double
 * per (transA, transB), with symbolic dimensions, run on ORT's CPU execution provider (MLAS's DGEMM
 * kernels, every core). The float64 editor is synchronous (util/maybe-async.ts: runSync), so the
 * sessions are driven through the package's native binding, whose `run` is synchronous — the same
 * call the package's own InferenceSession wraps in setImmediate + Promise (onnxruntime-node pinned
 * at 1.30.0 in package.json; the binding's shape is checked at load and a mismatch is an error
 * naming it, so an upgrade fails loudly, never silently slower).
 */
import { createRequire } from 'node:module';
import { encodeModel } from '../graph/onnx/proto';
import { installF64Gemm, type F64Gemm } from './gemm';
import type { MatmulShape } from './matmul';

interface NativeTensor {
  data: Float64Array;
}
interface NativeSession {
  loadModel(buffer: ArrayBufferLike, offset: number, length: number, options: object): void;
  run(feeds: Record<string, unknown>, fetches: Record<string, null>, options: object): Record<string, NativeTensor>;
  dispose(): void;
}
interface Binding {
  binding: { InferenceSession: new () => NativeSession };
  initOrt(): void;
}
type TensorCtor = new (type: 'float64', data: Float64Array, dims: number[]) => unknown;

const DOUBLE = 11; // TensorProto.DataType.DOUBLE

/** The binding refuses views of a SharedArrayBuffer (the float64 pool's memory): those are copied. */
const unshared = (x: Float64Array) => (typeof SharedArrayBuffer !== 'undefined' && x.buffer instanceof SharedArrayBuffer ? x.slice() : x);

/** Gemm(A, B) with A [M, K] (or [K, M] with transA) and B [K, N] (or [N, K]); dims symbolic. */
export function gemmModel(transA: boolean, transB: boolean): Uint8Array {
  return encodeModel(
    {
      name: 'f64gemm',
      nodes: [
        { opType: 'Gemm', inputs: ['a', 'b'], outputs: ['c'], name: 'gemm', attrs: { transA: transA ? 1 : 0, transB: transB ? 1 : 0 } },
      ],
      initializers: [],
      inputs: [
        { name: 'a', dataType: DOUBLE, dims: transA ? ['K', 'M'] : ['M', 'K'] },
        { name: 'b', dataType: DOUBLE, dims: transB ? ['N', 'K'] : ['K', 'N'] },
      ],
      outputs: [{ name: 'c', dataType: DOUBLE, dims: ['M', 'N'] }],
    },
    13,
  );
}

/** The provider with `threads` intra-op threads, or the reason it cannot start here. */
export function startNativeGemm(threads: number): F64Gemm | { error: string } {
  let b: Binding;
  let Tensor: TensorCtor;
  try {
    const require = createRequire(import.meta.url);
    b = require('onnxruntime-node/dist/binding') as Binding;
    Tensor = (require('onnxruntime-node') as { Tensor: TensorCtor }).Tensor;
    if (typeof b.binding?.InferenceSession !== 'function' || typeof b.initOrt !== 'function')
      return { error: 'onnxruntime-node/dist/binding has no InferenceSession/initOrt (not the 1.30 layout)' };
    b.initOrt();
  } catch (e) {
    return { error: `onnxruntime-node could not be loaded: ${(e as Error).message.split('\n')[0]}` };
  }
  const sessions = new Map<number, NativeSession>();
  const session = (tA: boolean, tB: boolean) => {
    const key = (tA ? 2 : 0) + (tB ? 1 : 0);
    let s = sessions.get(key);
    if (!s) {
      const bytes = gemmModel(tA, tB);
      s = new b.binding.InferenceSession();
      s.loadModel(bytes.buffer, bytes.byteOffset, bytes.byteLength, {
        executionProviders: [{ name: 'cpu' }],
        graphOptimizationLevel: 'all',
        intraOpNumThreads: threads,
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
      sessions.set(key, s);
    }
    return s;
  };
  return {
    label: `onnxruntime-node Gemm (float64), ${threads} thread${threads === 1 ? '' : 's'}`,
    gemm(a: Float64Array, bm: Float64Array, s: MatmulShape): Float64Array {
      const { m, k, n } = s;
      if (a.length !== m * k || bm.length !== k * n)
        throw new Error(`float64 gemm: operands of ${a.length} and ${bm.length} values for ${m}×${k}×${n}`);
      const feeds = {
        a: new Tensor('float64', unshared(a), s.transA ? [k, m] : [m, k]),
        b: new Tensor('float64', unshared(bm), s.transB ? [n, k] : [k, n]),
      };
      return session(!!s.transA, !!s.transB).run(feeds, { c: null }, {}).c.data;
    },
    close() {
      for (const s of sessions.values()) s.dispose();
      sessions.clear();
    },
  };
}

/**
 * Installs the native provider with `threads` threads (the float64 pool's count) where
 * onnxruntime-node loads, and returns it; null (the JS kernels stay) with the reason otherwise.
 */
export function useNativeGemm(threads: number): { gemm: F64Gemm | null; note?: string } {
  const g = startNativeGemm(threads);
  if ('error' in g) {
    installF64Gemm(null);
    return { gemm: null, note: g.error };
  }
  installF64Gemm(g);
  return { gemm: g };
}
