/** Reshape, Transpose, Expand: ops that move or repeat elements without arithmetic. */
import type { OpDef } from '../ir';
import { describe } from '../ir';
import { broadcastIndex, broadcastShapes, sameShape, sizeOf, stridesOf } from '../tensor';

export const Reshape: OpDef = {
  type: 'Reshape',
  infer: ([x], a) => {
    const want = a.shape as number[];
    const known = want.reduce((p, d) => (d === -1 ? p : p * d), 1);
    const shape = want.map((d) => (d === -1 ? sizeOf(x.shape) / known : d));
    if (want.filter((d) => d === -1).length > 1 || sizeOf(shape) !== sizeOf(x.shape) || !shape.every(Number.isInteger))
      throw new Error(`Reshape: cannot reshape ${describe(x)} to [${want}]`);
    return [{ shape, dtype: x.dtype }];
  },
  evaluate: ([x], _a, n) => [{ shape: [...n.outputs[0].shape], data: x.data.slice() }],
  // the inferred static shape, never -1, so ORT need not re-derive it
  emit: (e, n) => e.node('Reshape', [e.name(n.inputs[0]), e.int64(n.outputs[0].shape)], [e.name(n.outputs[0])]),
  vjp: (g, n, [gy]) => [gy && g.reshape(gy, [...n.inputs[0].shape])],
};

export const Transpose: OpDef = {
  type: 'Transpose',
  infer: ([x], a) => {
    const perm = a.perm as number[];
    if (
      perm.length !== x.shape.length ||
      !sameShape(
        [...perm].sort((p, q) => p - q),
        perm.map((_, i) => i),
      )
    )
      throw new Error(`Transpose: perm [${perm}] is not a permutation of ${describe(x)}'s axes`);
    return [{ shape: perm.map((p) => x.shape[p]), dtype: x.dtype }];
  },
  evaluate: ([x], a) => {
    const perm = a.perm as number[];
    const shape = perm.map((p) => x.shape[p]);
    const xs = stridesOf(x.shape);
    const os = stridesOf(shape);
    const data = new Float64Array(x.data.length);
    for (let i = 0; i < data.length; i++) {
      let src = 0;
      for (let d = 0; d < shape.length; d++) src += (Math.floor(i / os[d]) % shape[d]) * xs[perm[d]];
      data[i] = x.data[src];
    }
    return [{ shape, data }];
  },
  emit: (e, n) => e.node('Transpose', [e.name(n.inputs[0])], [e.name(n.outputs[0])], { perm: n.attrs.perm as number[] }),
  vjp: (g, n, [gy]) => {
    if (!gy) return [null];
    const perm = n.attrs.perm as number[];
    const inv = new Array<number>(perm.length);
    perm.forEach((p, i) => (inv[p] = i));
    return [g.transpose(gy, inv)];
  },
};

export const Expand: OpDef = {
  type: 'Expand',
  infer: ([x], a) => {
    const shape = broadcastShapes(x.shape, a.shape as number[]);
    if (!shape || !sameShape(shape, a.shape as number[])) throw new Error(`Expand: ${describe(x)} does not broadcast to [${a.shape}]`);
    return [{ shape, dtype: x.dtype }];
  },
  evaluate: ([x], a) => {
    const shape = [...(a.shape as number[])];
    const idx = broadcastIndex(shape, x.shape);
    return [{ shape, data: Float64Array.from(idx, (k) => x.data[k]) }];
  },
  emit: (e, n) => e.node('Expand', [e.name(n.inputs[0]), e.int64(n.attrs.shape as number[])], [e.name(n.outputs[0])]),
  vjp: (g, n, [gy]) => [gy && g.sumTo(gy, n.inputs[0].shape)],
};
