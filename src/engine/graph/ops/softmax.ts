/**
 * Softmax along one axis, as a primitive: one ORT kernel, stable, a cheap VJP. (Log-softmax is a
 * composite, selection.ts: the WebGPU EP has no LogSoftmax kernel.)
 */
import type { OpDef } from '../ir';
import { describe } from '../ir';
import { normAxis, sizeOf, stridesOf, type Tensor64 } from '../tensor';

function evalAlong(x: Tensor64, axis: number): Tensor64 {
  const ax = normAxis(axis, x.shape.length);
  const len = x.shape[ax];
  const st = stridesOf(x.shape)[ax];
  const out = new Float64Array(x.data.length);
  const outer = sizeOf(x.shape.slice(0, ax));
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < st; i++) {
      const base = o * len * st + i;
      let m = -Infinity;
      for (let j = 0; j < len; j++) m = Math.max(m, x.data[base + j * st]);
      let s = 0;
      for (let j = 0; j < len; j++) s += Math.exp(x.data[base + j * st] - m);
      const ls = Math.log(s);
      for (let j = 0; j < len; j++) {
        out[base + j * st] = Math.exp(x.data[base + j * st] - m - ls);
      }
    }
  return { shape: [...x.shape], data: out };
}

export const Softmax: OpDef = {
  type: 'Softmax',
  infer: ([x], a) => {
    if (x.dtype !== 'float32') throw new Error(`Softmax needs float32, got ${describe(x)}`);
    normAxis(a.axis as number, x.shape.length);
    return [{ shape: [...x.shape], dtype: 'float32' }];
  },
  evaluate: ([x], a) => [evalAlong(x, a.axis as number)],
  emit: (e, n) => e.node('Softmax', [e.name(n.inputs[0])], [e.name(n.outputs[0])], { axis: n.attrs.axis as number }),
  // dx = y ⊙ (g − Σ g⊙y)
  vjp: (g, n, [gy]) => {
    if (!gy) return [null];
    const y = n.outputs[0];
    return [g.mul(y, g.sub(gy, g.reduceSum(g.mul(gy, y), [n.attrs.axis as number], true)))];
  },
};
