/**
 * Floating-point operations of a graph, counted from its nodes' static shapes — the numerator of the
 * benchmark's roofline ratio. Conventions (one multiply-add = 2 FLOPs):
 * - MatMul [.., m, k] @ [.., k, n]: 2·m·k·n per batch element; Gemm: 2·m·k·n, + m·n with a bias.
 * - elementwise arithmetic and comparisons: 1 per output element.
 * - reductions, ArgMax, TopK: 1 per input element; ScatterAdd: 1 per update element.
 * - Softmax / LogSoftmax: 5 per element (max, subtract, exp, sum, divide or log).
 * - layout and data movement (Reshape, Transpose, Gather, Slice, Cast, constants…): 0.
 * An unknown op type is an error, so a new op cannot silently count as free.
 */
import type { Node, Value } from './ir';
import { sizeOf } from './tensor';

export interface FlopCount {
  total: number;
  /** MatMul + Gemm. */
  matmul: number;
  byOp: Record<string, number>;
}

const ELEMENTWISE = new Set([
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Pow',
  'Neg',
  'Sqrt',
  'Reciprocal',
  'Exp',
  'Log',
  'Tanh',
  'Sigmoid',
  'Equal',
  'Less',
  'Greater',
  'And',
  'Or',
  'Not',
  'Where',
]);
const PER_INPUT = new Set(['ReduceSum', 'ReduceMean', 'ReduceMax', 'ArgMax', 'TopK']);
const FREE = new Set([
  'Reshape',
  'Transpose',
  'Expand',
  'Slice',
  'Pad',
  'Concat',
  'Gather',
  'GatherElements',
  'Identity',
  'StopGradient',
  'Constant',
  'Zeros',
  'Cast',
]);
const SOFTMAX_PER_ELEMENT = 5;

export function nodeFlops(n: Node): number {
  const type = n.op.type;
  const out = n.outputs[0];
  if (type === 'MatMul') {
    const k = n.inputs[0].shape[n.inputs[0].shape.length - 1];
    return 2 * k * sizeOf(out.shape);
  }
  if (type === 'Gemm') {
    const a = n.inputs[0].shape;
    const k = n.attrs.transA ? a[0] : a[1];
    return 2 * k * sizeOf(out.shape) + (n.inputs.length > 2 ? sizeOf(out.shape) : 0);
  }
  if (ELEMENTWISE.has(type)) return sizeOf(out.shape);
  if (PER_INPUT.has(type)) return sizeOf(n.inputs[0].shape);
  if (type === 'ScatterAdd') return sizeOf(n.inputs[2].shape);
  if (type === 'Softmax' || type === 'LogSoftmax') return SOFTMAX_PER_ELEMENT * sizeOf(out.shape);
  if (FREE.has(type)) return 0;
  throw new Error(`flops: no FLOP rule for op ${type} (node ${n.id})`);
}

export function countFlops(nodes: readonly Node[]): FlopCount {
  const byOp: Record<string, number> = {};
  let total = 0;
  for (const n of nodes) {
    const f = nodeFlops(n);
    byOp[n.op.type] = (byOp[n.op.type] ?? 0) + f;
    total += f;
  }
  return { total, matmul: (byOp.MatMul ?? 0) + (byOp.Gemm ?? 0), byOp };
}

/** The nodes `roots` depend on (their ancestors, roots' producers included), in graph order. */
export function ancestorNodes(nodes: readonly Node[], roots: readonly Value[]): Node[] {
  const keep = new Set<number>();
  const stack = roots.map((v) => v.producer).filter((p): p is Node => p !== null);
  while (stack.length) {
    const n = stack.pop()!;
    if (keep.has(n.id)) continue;
    keep.add(n.id);
    for (const v of n.inputs) if (v.producer) stack.push(v.producer);
  }
  return nodes.filter((n) => keep.has(n.id));
}

/**
 * A capture-style graph split in two: `forward` = what the named outputs (the loss) need, `rest` =
 * everything else (the backward pass and the key/gradient gathers). Dead nodes count nowhere.
 */
export function splitFlops(
  g: { nodes: readonly Node[]; outputs: readonly Value[] },
  forwardOutputs: readonly string[],
): { forward: FlopCount; rest: FlopCount } {
  const roots = g.outputs.filter((o) => forwardOutputs.includes(o.name!));
  if (roots.length !== forwardOutputs.length)
    throw new Error(`flops: graph has no output(s) ${forwardOutputs.filter((n) => !roots.some((r) => r.name === n)).join(', ')}`);
  const live = new Set(ancestorNodes(g.nodes, g.outputs).map((n) => n.id));
  const fwd = new Set(ancestorNodes(g.nodes, roots).map((n) => n.id));
  return {
    forward: countFlops(g.nodes.filter((n) => fwd.has(n.id))),
    rest: countFlops(g.nodes.filter((n) => live.has(n.id) && !fwd.has(n.id))),
  };
}

/** FLOPs of the nodes the graph's outputs depend on (what an ONNX session actually runs). */
export function graphFlops(g: { nodes: readonly Node[]; outputs: readonly Value[] }): FlopCount {
  return countFlops(ancestorNodes(g.nodes, g.outputs));
}
