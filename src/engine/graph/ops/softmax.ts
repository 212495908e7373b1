/** Softmax and LogSoftmax along one axis, as primitives: one ORT kernel each, stable, cheap VJPs. */
import type { OpDef } from '../ir';
import { describe } from '../ir';
import { normAxis, sizeOf, stridesOf, type Tensor64 } from '../tensor';

function evalAlong(x: Tensor64, axis: number, log: boolean): Tensor64 {
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
        const z = x.data[base + j * st] - m - ls;
        out[base + j * st] = log ? z : Math.exp(z);
      }
    }
  return { shape: [...x.shape], data: out };
}

function softmaxOp(type: 'Softmax' | 'LogSoftmax'): OpDef {
  return {
    type,
    infer: ([x], a) => {
      if (x.dtype !== 'float32') throw new Error(`${type} needs float32, got ${describe(x)}`);
      normAxis(a.axis as number, x.shape.length);
      return [{ shape: [...x.shape], dtype: 'float32' }];
    },
    evaluate: ([x], a) => [evalAlong(x, a.axis as number, type === 'LogSoftmax')],
    emit: (e, n) => e.node(type, [e.name(n.inputs[0])], [e.name(n.outputs[0])], { axis: n.attrs.axis as number }),
    vjp: (g, n, [gy]) => {
      if (!gy) return [null];
      const y = n.outputs[0];
      const axes = [n.attrs.axis as number];
      // softmax: dx = y ⊙ (g − Σ g⊙y);  log-softmax: dx = g − softmax ⊙ Σ g
      if (type === 'Softmax') return [g.mul(y, g.sub(gy, g.reduceSum(g.mul(gy, y), axes, true)))];
      return [g.sub(gy, g.mul(g.exp(y), g.reduceSum(gy, axes, true)))];
    },
  };
}

export const Softmax = softmaxOp('Softmax');
export const LogSoftmax = softmaxOp('LogSoftmax');
