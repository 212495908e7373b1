/**
 * IR → ONNX ModelProto bytes (ir_version 8, opset 17). Graph inputs stay inputs (weights included:
 * they live in buffers the editor updates in place); only the nodes the outputs need are emitted.
 */
import type { DType, EmitContext, Node, Value } from '../ir';
import { ONNX_DTYPE } from '../ir';
import type { Tensor64 } from '../tensor';
import type { GraphBuilder } from '../builder';
import { encodeModel, type OnnxNode, type OnnxTensor } from './proto';

export const OPSET = 17;

export interface EmittedModel {
  bytes: Uint8Array;
  /** ONNX nodes written (after dead-node elimination). */
  nodeCount: number;
  initializerCount: number;
}

function rawBytes(t: Tensor64, dtype: DType): Uint8Array {
  if (dtype === 'float16') throw new Error('emit: float16 constants are not emitted (float16 is for weight inputs only)');
  const d = t.data;
  const arr =
    dtype === 'float32'
      ? Float32Array.from(d)
      : dtype === 'int32'
        ? Int32Array.from(d)
        : dtype === 'int64'
          ? BigInt64Array.from(d, (x) => BigInt(x))
          : Uint8Array.from(d, (x) => (x ? 1 : 0));
  return new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
}

/** Nodes the outputs depend on, in creation (topological) order. */
export function liveNodes(g: GraphBuilder): Node[] {
  const live = new Set<number>();
  const stack = g.outputs.map((o) => o.producer).filter((n): n is Node => n !== null);
  while (stack.length) {
    const n = stack.pop()!;
    if (live.has(n.id)) continue;
    live.add(n.id);
    for (const v of n.inputs) if (v.producer) stack.push(v.producer);
  }
  return g.nodes.filter((n) => live.has(n.id));
}

export function emitOnnx(g: GraphBuilder, graphName = 'graph'): EmittedModel {
  const nodes: OnnxNode[] = [];
  const inits: OnnxTensor[] = [];
  const int64Cache = new Map<string, string>();
  let temps = 0;
  const e: EmitContext = {
    name: (v: Value) => v.name ?? `v${v.id}`,
    temp: (hint) => `${hint}_t${temps++}`,
    node: (opType, inputs, outputs, attrs = {}) => nodes.push({ opType, inputs, outputs, name: `n${nodes.length}_${opType}`, attrs }),
    int64: (values) => {
      const key = values.join(',');
      let name = int64Cache.get(key);
      if (!name) {
        name = `i64_${int64Cache.size}`;
        int64Cache.set(key, name);
        inits.push({
          name,
          dims: [values.length],
          dataType: ONNX_DTYPE.int64,
          raw: rawBytes({ shape: [values.length], data: Float64Array.from(values) }, 'int64'),
        });
      }
      return name;
    },
    constant: (t, dtype, named) => {
      const name = named ?? `c${inits.length}`;
      inits.push({ name, dims: t.shape, dataType: ONNX_DTYPE[dtype], raw: rawBytes(t, dtype) });
      return name;
    },
  };
  for (const n of liveNodes(g)) n.op.emit(e, n);
  const info = (v: Value) => ({ name: v.name!, dataType: ONNX_DTYPE[v.dtype], dims: [...v.shape] });
  const bytes = encodeModel(
    { name: graphName, nodes, initializers: inits, inputs: g.inputs.map(info), outputs: g.outputs.map(info) },
    OPSET,
  );
  return { bytes, nodeCount: nodes.length, initializerCount: inits.length };
}
