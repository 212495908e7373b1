/**
 * GraphBuilder: the API model code is written in. Every method appends one primitive node (ops/*.ts)
 * and returns its value(s); shapes are static and checked as the graph is built.
 */
import type { Attrs, DType, Node, OpDef, Value } from './ir';
import { describe } from './ir';
import { broadcastAxes, sameShape, tensor } from './tensor';
import { Add, Div, Mul, Pow, Sub } from './ops/binary';
import { Exp, Identity, Log, Neg, Reciprocal, Sigmoid, Sqrt, StopGradient, Tanh } from './ops/unary';
import { And, Equal, Greater, Less, Not, Or, Where } from './ops/compare';
import { Cast } from './ops/cast';
import { Gemm, MatMul } from './ops/matmul';
import { ReduceMax, ReduceMean, ReduceSum } from './ops/reduce';
import { Softmax } from './ops/softmax';
import { Expand, Reshape, Transpose } from './ops/layout';
import { Concat, Pad, Slice } from './ops/slice';
import { Gather, GatherElements, ScatterAdd } from './ops/gather';
import { Constant, Zeros } from './ops/constant';
import { gradients } from './autodiff';
import { argMax, logSoftmax, topK } from './selection';

export class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly inputs: Value[] = [];
  readonly outputs: Value[] = [];
  private nextId = 0;

  /** Appends a node; low-level entry point used by the methods below and by VJPs. */
  apply(op: OpDef, inputs: Value[], attrs: Attrs = {}): Value[] {
    let types;
    try {
      types = op.infer(inputs, attrs);
    } catch (e) {
      throw new Error(`building ${op.type}(${inputs.map(describe).join(', ')}): ${(e as Error).message}`);
    }
    const node: Node = { id: this.nodes.length, op, inputs, outputs: [], attrs };
    types.forEach((t, slot) => node.outputs.push({ id: this.nextId++, shape: t.shape, dtype: t.dtype, producer: node, slot }));
    this.nodes.push(node);
    return node.outputs;
  }

  private one(op: OpDef, inputs: Value[], attrs: Attrs = {}): Value {
    return this.apply(op, inputs, attrs)[0];
  }

  input(name: string, dtype: DType, shape: number[]): Value {
    if (this.inputs.some((v) => v.name === name)) throw new Error(`duplicate graph input '${name}'`);
    const v: Value = { id: this.nextId++, shape: [...shape], dtype, producer: null, slot: 0, name };
    this.inputs.push(v);
    return v;
  }

  /** Marks `v` as a graph output named `name` (an Identity when v is already named). */
  output(name: string, v: Value): Value {
    if (this.outputs.some((o) => o.name === name)) throw new Error(`duplicate graph output '${name}'`);
    const out = v.name !== undefined || v.producer === null ? this.one(Identity, [v]) : v;
    out.name = name;
    this.outputs.push(out);
    return out;
  }

  /** Reverse-mode gradients of scalar `loss` w.r.t. each of `wrt` (zeros where unreachable). */
  grad(loss: Value, wrt: Value[]): Value[] {
    return gradients(this, loss, wrt);
  }

  // constants
  constant(shape: number[], data: ArrayLike<number>, dtype: DType = 'float32'): Value {
    return this.one(Constant, [], { value: tensor(shape, data), dtype });
  }
  scalar(v: number, dtype: DType = 'float32'): Value {
    return this.constant([], [v], dtype);
  }
  zeros(shape: number[]): Value {
    return this.one(Zeros, [], { shape });
  }

  // elementwise
  add(a: Value, b: Value): Value {
    return this.one(Add, [a, b]);
  }
  sub(a: Value, b: Value): Value {
    return this.one(Sub, [a, b]);
  }
  mul(a: Value, b: Value): Value {
    return this.one(Mul, [a, b]);
  }
  div(a: Value, b: Value): Value {
    return this.one(Div, [a, b]);
  }
  pow(a: Value, b: Value): Value {
    return this.one(Pow, [a, b]);
  }
  neg(x: Value): Value {
    return this.one(Neg, [x]);
  }
  sqrt(x: Value): Value {
    return this.one(Sqrt, [x]);
  }
  reciprocal(x: Value): Value {
    return this.one(Reciprocal, [x]);
  }
  exp(x: Value): Value {
    return this.one(Exp, [x]);
  }
  log(x: Value): Value {
    return this.one(Log, [x]);
  }
  tanh(x: Value): Value {
    return this.one(Tanh, [x]);
  }
  sigmoid(x: Value): Value {
    return this.one(Sigmoid, [x]);
  }
  stopGradient(x: Value): Value {
    return this.one(StopGradient, [x]);
  }

  // masks
  equal(a: Value, b: Value): Value {
    return this.one(Equal, [a, b]);
  }
  less(a: Value, b: Value): Value {
    return this.one(Less, [a, b]);
  }
  greater(a: Value, b: Value): Value {
    return this.one(Greater, [a, b]);
  }
  and(a: Value, b: Value): Value {
    return this.one(And, [a, b]);
  }
  or(a: Value, b: Value): Value {
    return this.one(Or, [a, b]);
  }
  not(x: Value): Value {
    return this.one(Not, [x]);
  }
  where(c: Value, x: Value, y: Value): Value {
    return this.one(Where, [c, x, y]);
  }
  cast(x: Value, to: DType): Value {
    return x.dtype === to ? x : this.one(Cast, [x], { to });
  }

  // linear algebra
  matmul(a: Value, b: Value): Value {
    return this.one(MatMul, [a, b]);
  }
  /** op(a)·op(b) (+ c) on 2-D operands. */
  gemm(a: Value, b: Value, c: Value | null = null, t: { transA?: boolean; transB?: boolean } = {}): Value {
    return this.one(Gemm, c ? [a, b, c] : [a, b], { transA: t.transA ? 1 : 0, transB: t.transB ? 1 : 0 });
  }

  // reductions
  reduceSum(x: Value, axes: number[], keepdims = false): Value {
    return this.one(ReduceSum, [x], { axes, keepdims: +keepdims });
  }
  reduceMean(x: Value, axes: number[], keepdims = false): Value {
    return this.one(ReduceMean, [x], { axes, keepdims: +keepdims });
  }
  reduceMax(x: Value, axes: number[], keepdims = false): Value {
    return this.one(ReduceMax, [x], { axes, keepdims: +keepdims });
  }
  softmax(x: Value, axis = -1): Value {
    return this.one(Softmax, [x], { axis });
  }
  /** A composite (selection.ts): the WebGPU EP has no LogSoftmax kernel. */
  logSoftmax(x: Value, axis = -1): Value {
    return logSoftmax(this, x, axis);
  }

  // layout
  reshape(x: Value, shape: number[]): Value {
    return sameShape(x.shape, shape) ? x : this.one(Reshape, [x], { shape });
  }
  transpose(x: Value, perm: number[]): Value {
    return this.one(Transpose, [x], { perm });
  }
  transposeLast2(x: Value): Value {
    const r = x.shape.length;
    return this.transpose(x, [...Array(r - 2).keys(), r - 1, r - 2]);
  }
  expand(x: Value, shape: number[]): Value {
    return sameShape(x.shape, shape) ? x : this.one(Expand, [x], { shape });
  }
  slice(x: Value, starts: number[], ends: number[], axes: number[]): Value {
    return this.one(Slice, [x], { starts, ends, axes });
  }
  pad(x: Value, begins: number[], ends: number[]): Value {
    return this.one(Pad, [x], { begins, ends });
  }
  concat(xs: Value[], axis: number): Value {
    return xs.length === 1 ? xs[0] : this.one(Concat, xs, { axis });
  }
  gather(data: Value, indices: Value): Value {
    return this.one(Gather, [data, indices]);
  }
  gatherElements(data: Value, indices: Value, axis: number): Value {
    return this.one(GatherElements, [data, indices], { axis });
  }
  scatterAdd(data: Value, indices: Value, updates: Value, axis: number): Value {
    return this.one(ScatterAdd, [data, indices, updates], { axis });
  }

  /** Sums `x` over the axes along which `shape` was broadcast to x's shape, giving `shape`. */
  sumTo(x: Value, shape: readonly number[]): Value {
    if (sameShape(x.shape, shape)) return x;
    const axes = broadcastAxes(x.shape, shape);
    return this.reshape(this.reduceSum(x, axes, true), [...shape]);
  }

  // selection: int32 results, composed from primitives the WebGPU EP runs (selection.ts)
  argMax(x: Value, axis = -1, keepdims = false): Value {
    return argMax(this, x, axis, keepdims);
  }
  topK(x: Value, k: number): [Value, Value] {
    return topK(this, x, k);
  }
}
