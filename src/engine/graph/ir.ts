/**
 * The graph IR: values with static shapes and dtypes, nodes that apply one primitive op. Each op
 * (ops/*.ts) keeps its shape inference, float64 evaluation, ONNX emission and VJP together.
 */
import type { Tensor64 } from './tensor';
import type { GraphBuilder } from './builder';

/**
 * int64 only in emitted shape/axes constants; bool from comparisons; float16 only for frozen weight
 * inputs, widened by a Cast where they are used (graph/models/transformer.ts WeightInputs).
 */
export type DType = 'float32' | 'float16' | 'int32' | 'int64' | 'bool';

export type AttrValue = number | number[] | string | Tensor64;
export type Attrs = Record<string, AttrValue>;

export interface Value {
  readonly id: number;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** The node that computes it; null for graph inputs. */
  readonly producer: Node | null;
  /** Output slot in the producer. */
  readonly slot: number;
  /** Graph input / output name when it has one. */
  name?: string;
}

export interface Node {
  readonly id: number;
  readonly op: OpDef;
  readonly inputs: Value[];
  readonly outputs: Value[];
  readonly attrs: Attrs;
}

export interface ValueType {
  shape: number[];
  dtype: DType;
}

/** What an op's emitter may do: name values, add ONNX nodes and small int64 constants. */
export interface EmitContext {
  name(v: Value): string;
  /** A fresh intermediate name for multi-node emissions. */
  temp(hint: string): string;
  node(opType: string, inputs: string[], outputs: string[], attrs?: Record<string, number | number[] | string>): void;
  int64(values: readonly number[]): string;
  /** Initializer holding a tensor of the given dtype (named `name` when given). */
  constant(t: Tensor64, dtype: DType, name?: string): string;
}

export interface OpDef {
  readonly type: string;
  infer(inputs: readonly Value[], attrs: Attrs): ValueType[];
  evaluate(inputs: Tensor64[], attrs: Attrs, node: Node): Tensor64[];
  emit(e: EmitContext, node: Node): void;
  /**
   * Gradients of the node's inputs given its output gradients (null = zero). Only inputs with
   * `needs[i]` are wanted; return null for the rest. Absent: the op is not differentiable.
   */
  vjp?(g: GraphBuilder, node: Node, gradOut: (Value | null)[], needs: boolean[]): (Value | null)[];
}

export function isFloat(v: { dtype: DType }): boolean {
  return v.dtype === 'float32';
}

export function describe(v: Value): string {
  return `${v.name ?? `%${v.id}`}:${v.dtype}[${v.shape.join(',')}]`;
}

/** ONNX TensorProto.DataType codes. */
export const ONNX_DTYPE: Record<DType, number> = { float32: 1, float16: 10, int32: 6, int64: 7, bool: 9 };
