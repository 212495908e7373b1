/** ReduceSum / ReduceMean / ReduceMax over explicit axes (opset 17: Sum takes axes as an input). */
import type { Attrs, Node, OpDef, Value } from '../ir';
import { describe } from '../ir';
import { normAxis, sizeOf, stridesOf, type Tensor64 } from '../tensor';
import type { GraphBuilder } from '../builder';

function axesOf(x: { shape: readonly number[] }, a: Attrs): number[] {
  return [...new Set((a.axes as number[]).map((ax) => normAxis(ax, x.shape.length)))].sort((p, q) => p - q);
}

function reducedShape(shape: readonly number[], axes: number[], keep: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keep) out.push(1);
  });
  return out;
}

function evalReduce(
  x: Tensor64,
  a: Attrs,
  init: number,
  f: (acc: number, v: number) => number,
  fin?: (acc: number, n: number) => number,
): Tensor64 {
  const axes = axesOf(x, a);
  const keepShape = reducedShape(x.shape, axes, true);
  const kst = stridesOf(keepShape);
  const xst = stridesOf(x.shape);
  const acc = new Float64Array(sizeOf(keepShape)).fill(init);
  for (let i = 0; i < x.data.length; i++) {
    let o = 0;
    for (let d = 0; d < x.shape.length; d++) {
      if (!axes.includes(d)) o += (Math.floor(i / xst[d]) % x.shape[d]) * kst[d];
    }
    acc[o] = f(acc[o], x.data[i]);
  }
  const count = sizeOf(axes.map((ax) => x.shape[ax]));
  if (fin) for (let i = 0; i < acc.length; i++) acc[i] = fin(acc[i], count);
  return { shape: reducedShape(x.shape, axes, !!a.keepdims), data: acc };
}

function inferReduce(type: string) {
  return ([x]: readonly Value[], a: Attrs) => {
    if (x.dtype === 'bool') throw new Error(`${type} on bool ${describe(x)}`);
    return [{ shape: reducedShape(x.shape, axesOf(x, a), !!a.keepdims), dtype: x.dtype }];
  };
}

/** The output gradient reshaped to keepdims form, so it broadcasts against the input. */
function keptGrad(g: GraphBuilder, n: Node, gy: Value): Value {
  const x = n.inputs[0];
  return g.reshape(gy, reducedShape(x.shape, axesOf(x, n.attrs), true));
}

export const ReduceSum: OpDef = {
  type: 'ReduceSum',
  infer: inferReduce('ReduceSum'),
  evaluate: ([x], a) => [evalReduce(x, a, 0, (s, v) => s + v)],
  emit: (e, n) =>
    e.node('ReduceSum', [e.name(n.inputs[0]), e.int64(axesOf(n.inputs[0], n.attrs))], [e.name(n.outputs[0])], {
      keepdims: n.attrs.keepdims ? 1 : 0,
    }),
  vjp: (g, n, [gy]) => [gy && g.expand(keptGrad(g, n, gy), [...n.inputs[0].shape])],
};

export const ReduceMean: OpDef = {
  type: 'ReduceMean',
  infer: inferReduce('ReduceMean'),
  evaluate: ([x], a) => [
    evalReduce(
      x,
      a,
      0,
      (s, v) => s + v,
      (s, c) => s / c,
    ),
  ],
  emit: (e, n) =>
    e.node('ReduceMean', [e.name(n.inputs[0])], [e.name(n.outputs[0])], {
      axes: axesOf(n.inputs[0], n.attrs),
      keepdims: n.attrs.keepdims ? 1 : 0,
    }),
  vjp: (g, n, [gy]) => {
    if (!gy) return [null];
    const x = n.inputs[0];
    const count = sizeOf(axesOf(x, n.attrs).map((ax) => x.shape[ax]));
    return [g.expand(g.mul(keptGrad(g, n, gy), g.scalar(1 / count)), [...x.shape])];
  },
};

export const ReduceMax: OpDef = {
  type: 'ReduceMax',
  infer: inferReduce('ReduceMax'),
  evaluate: ([x], a) => [evalReduce(x, a, -Infinity, Math.max)],
  emit: (e, n) =>
    e.node('ReduceMax', [e.name(n.inputs[0])], [e.name(n.outputs[0])], {
      axes: axesOf(n.inputs[0], n.attrs),
      keepdims: n.attrs.keepdims ? 1 : 0,
    }),
  vjp: (g, n, [gy]) => {
    if (!gy) return [null];
    const x = n.inputs[0];
    const keepShape = reducedShape(x.shape, axesOf(x, n.attrs), true);
    // the gradient goes to the arg-max; ties share it equally
    const hit = g.cast(g.equal(x, g.reshape(n.outputs[0], keepShape)), 'float32');
    const share = g.div(keptGrad(g, n, gy), g.reduceSum(hit, n.attrs.axes as number[], true));
    return [g.mul(hit, share)];
  },
};
