/**
 * The float64 twin of an IR graph: runs every node in creation order with the ops' JS evaluators.
 * Tests use it as the reference for ORT's fp32 results and for finite differences of VJPs.
 */
import type { Value } from './ir';
import { describe } from './ir';
import { sameShape, type Tensor64 } from './tensor';
import type { GraphBuilder } from './builder';

/** Feeds by input name; returns every requested value (default: the graph outputs, by name). */
export function interpret(g: GraphBuilder, feeds: Record<string, Tensor64>, want?: Value[]): Map<number, Tensor64> {
  const env = new Map<number, Tensor64>();
  for (const v of g.inputs) {
    const t = feeds[v.name!];
    if (!t) throw new Error(`interpret: no feed for input ${describe(v)}`);
    if (!sameShape(t.shape, v.shape)) throw new Error(`interpret: feed '${v.name}' has shape [${t.shape}], input is ${describe(v)}`);
    env.set(v.id, t);
  }
  const targets = want ?? g.outputs;
  const last = Math.max(-1, ...targets.map((v) => v.producer?.id ?? -1));
  for (const n of g.nodes.slice(0, last + 1)) {
    const outs = n.op.evaluate(
      n.inputs.map((v) => env.get(v.id)!),
      n.attrs,
      n,
    );
    n.outputs.forEach((o, k) => env.set(o.id, outs[k]));
  }
  return env;
}

/** Convenience: the graph outputs by name. */
export function interpretOutputs(g: GraphBuilder, feeds: Record<string, Tensor64>): Record<string, Tensor64> {
  const env = interpret(g, feeds);
  return Object.fromEntries(g.outputs.map((o) => [o.name!, env.get(o.id)!]));
}
