/** Comparisons, boolean logic and Where: the pieces attention masks are made of. */
import type { OpDef, Value } from '../ir';
import { describe } from '../ir';
import { broadcastIndex, broadcastShapes, sizeOf } from '../tensor';
import { evalBroadcast, inferBroadcast } from './binary';

function compare(type: string, f: (x: number, y: number) => boolean, boolIn = false): OpDef {
  return {
    type,
    infer: (inputs) => {
      if (boolIn && inputs[0].dtype !== 'bool') throw new Error(`${type} needs bool, got ${describe(inputs[0])}`);
      return inferBroadcast(type, inputs, 'bool');
    },
    evaluate: ([a, b]) => [evalBroadcast(a, b, (x, y) => (f(x, y) ? 1 : 0))],
    emit: (e, n) => e.node(type, n.inputs.map(e.name), [e.name(n.outputs[0])]),
  };
}

export const Equal = compare('Equal', (x, y) => x === y);
export const Less = compare('Less', (x, y) => x < y);
export const Greater = compare('Greater', (x, y) => x > y);
export const And = compare('And', (x, y) => x !== 0 && y !== 0, true);
export const Or = compare('Or', (x, y) => x !== 0 || y !== 0, true);

export const Not: OpDef = {
  type: 'Not',
  infer: ([x]) => {
    if (x.dtype !== 'bool') throw new Error(`Not needs bool, got ${describe(x)}`);
    return [{ shape: [...x.shape], dtype: 'bool' }];
  },
  evaluate: ([x]) => [{ shape: [...x.shape], data: x.data.map((v) => (v ? 0 : 1)) }],
  emit: (e, n) => e.node('Not', [e.name(n.inputs[0])], [e.name(n.outputs[0])]),
};

export const Where: OpDef = {
  type: 'Where',
  infer: ([c, x, y]: readonly Value[]) => {
    if (c.dtype !== 'bool') throw new Error(`Where condition must be bool, got ${describe(c)}`);
    const [xy] = inferBroadcast('Where', [x, y]);
    const shape = broadcastShapes(c.shape, xy.shape);
    if (!shape) throw new Error(`Where: condition ${describe(c)} does not broadcast with [${xy.shape}]`);
    return [{ shape, dtype: xy.dtype }];
  },
  evaluate: ([c, x, y]) => {
    const shape = broadcastShapes(c.shape, broadcastShapes(x.shape, y.shape)!)!;
    const [ic, ix, iy] = [c, x, y].map((t) => broadcastIndex(shape, t.shape));
    const data = new Float64Array(sizeOf(shape));
    for (let k = 0; k < data.length; k++) data[k] = c.data[ic[k]] ? x.data[ix[k]] : y.data[iy[k]];
    return [{ shape, data }];
  },
  emit: (e, n) => e.node('Where', n.inputs.map(e.name), [e.name(n.outputs[0])]),
  vjp: (g, n, [gy], needs) => {
    if (!gy) return [null, null, null];
    const [c, x, y] = n.inputs;
    const zero = g.scalar(0);
    return [null, needs[1] ? g.sumTo(g.where(c, gy, zero), x.shape) : null, needs[2] ? g.sumTo(g.where(c, zero, gy), y.shape) : null];
  },
};
