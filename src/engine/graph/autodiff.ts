/**
 * Reverse-mode autodiff over the IR. Backward nodes are appended to the same builder, so the
 * gradient graph is itself an IR graph (interpretable, emittable, differentiable).
 *
 * Only nodes on a path wrt → loss are differentiated (dead-branch pruning); StopGradient and ops
 * without a VJP (comparisons, casts from ints, ArgMax …) cut paths.
 */
import type { Value } from './ir';
import { describe, isFloat } from './ir';
import { sizeOf } from './tensor';
import type { GraphBuilder } from './builder';

export function gradients(g: GraphBuilder, loss: Value, wrt: Value[]): Value[] {
  if (!isFloat(loss) || sizeOf(loss.shape) !== 1) throw new Error(`grad: loss must be a float32 scalar, got ${describe(loss)}`);
  const nodes = g.nodes.slice(0, loss.producer ? loss.producer.id + 1 : 0);

  // forward: values that depend differentiably on some wrt
  const fromWrt = new Set(wrt.filter(isFloat).map((v) => v.id));
  for (const n of nodes) {
    if (n.op.vjp && n.inputs.some((v) => fromWrt.has(v.id))) for (const o of n.outputs) if (isFloat(o)) fromWrt.add(o.id);
  }
  // backward: values the loss depends on differentiably
  const toLoss = new Set([loss.id]);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (n.op.vjp && n.outputs.some((o) => toLoss.has(o.id))) for (const v of n.inputs) if (isFloat(v)) toLoss.add(v.id);
  }
  const needed = (v: Value) => fromWrt.has(v.id) && toLoss.has(v.id);

  const grad = new Map<number, Value>();
  const accumulate = (v: Value, gv: Value) => {
    const prev = grad.get(v.id);
    grad.set(v.id, prev ? g.add(prev, gv) : gv);
  };
  grad.set(loss.id, g.constant([...loss.shape], [1]));

  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (!n.op.vjp) continue;
    const needs = n.inputs.map(needed);
    if (!needs.some(Boolean)) continue;
    const gout = n.outputs.map((o) => grad.get(o.id) ?? null);
    if (gout.every((x) => x === null)) continue;
    const gin = n.op.vjp(g, n, gout, needs);
    n.inputs.forEach((v, k) => {
      const gv = gin[k];
      if (!gv || !needs[k]) return;
      if (gv.shape.length !== v.shape.length || gv.shape.some((d, j) => d !== v.shape[j]))
        throw new Error(`grad: VJP of ${n.op.type} gave ${describe(gv)} for input ${describe(v)}`);
      accumulate(v, gv);
    });
  }
  return wrt.map((w) => grad.get(w.id) ?? g.zeros([...w.shape]));
}
