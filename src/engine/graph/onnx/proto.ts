/**
 * ONNX message encoders (field numbers from onnx/onnx.proto): ModelProto, GraphProto, NodeProto,
 * AttributeProto, TensorProto, ValueInfoProto.
 */
import { ProtoWriter } from './protobuf';

export type OnnxAttr = number | number[] | string | { floats: number[] } | { float: number };

export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attrs: Record<string, OnnxAttr>;
}

export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  raw: Uint8Array;
}

export interface OnnxValueInfo {
  name: string;
  dataType: number;
  /** A number is a fixed dimension, a string a symbolic one (dim_param). */
  dims: (number | string)[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

// AttributeProto.AttributeType
const FLOAT = 1,
  INT = 2,
  STRING = 3,
  FLOATS = 6,
  INTS = 7;

function attribute(name: string, v: OnnxAttr): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  if (typeof v === 'string') return w.string(4, v).int(20, STRING);
  if (typeof v === 'number') return w.int(3, v).int(20, INT);
  if (Array.isArray(v)) {
    for (const x of v) w.int(8, x);
    return w.int(20, INTS);
  }
  if ('float' in v) return w.float(2, v.float).int(20, FLOAT);
  for (const x of v.floats) w.float(7, x);
  return w.int(20, FLOATS);
}

function node(n: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.opType);
  for (const [k, v] of Object.entries(n.attrs)) w.message(5, attribute(k, v));
  return w;
}

function tensorProto(t: OnnxTensor): ProtoWriter {
  const w = new ProtoWriter();
  for (const d of t.dims) w.int(1, d);
  return w.int(2, t.dataType).string(8, t.name).bytes(9, t.raw);
}

function valueInfo(v: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.dims) shape.message(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
  const tensorType = new ProtoWriter().int(1, v.dataType).message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}

export function encodeModel(g: OnnxGraph, opset: number, irVersion = 8): Uint8Array {
  const graph = new ProtoWriter();
  for (const n of g.nodes) graph.message(1, node(n));
  graph.string(2, g.name);
  for (const t of g.initializers) graph.message(5, tensorProto(t));
  for (const v of g.inputs) graph.message(11, valueInfo(v));
  for (const v of g.outputs) graph.message(12, valueInfo(v));
  return new ProtoWriter()
    .int(1, irVersion)
    .string(2, 'stableedit-lab')
    .message(7, graph)
    .message(8, new ProtoWriter().string(1, '').int(2, opset))
    .finish();
}
