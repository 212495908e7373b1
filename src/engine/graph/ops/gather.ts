/**
 * Gather (rows of a tensor by an int index tensor), GatherElements (one element per index along an
 * axis: picking label logits) and ScatterAdd (ScatterElements with reduction=add), the VJP of both.
 */
import type { OpDef, Value } from '../ir';
import { describe } from '../ir';
import { normAxis, sameShape, sizeOf, stridesOf, type Tensor64 } from '../tensor';

function checkIndex(v: number, d: number, what: string): number {
  if (v < -d || v >= d) throw new Error(`${what}: index ${v} out of range [${-d}, ${d})`);
  return v < 0 ? v + d : v;
}

function isInt(v: Value): boolean {
  return v.dtype === 'int32' || v.dtype === 'int64';
}

/** out[i…, r…] = data[idx[i…], r…] (axis 0). */
export const Gather: OpDef = {
  type: 'Gather',
  infer: ([data, idx]) => {
    if (!isInt(idx)) throw new Error(`Gather: indices must be int32/int64, got ${describe(idx)}`);
    return [{ shape: [...idx.shape, ...data.shape.slice(1)], dtype: data.dtype }];
  },
  evaluate: ([data, idx]) => {
    const row = sizeOf(data.shape.slice(1));
    const out = new Float64Array(idx.data.length * row);
    idx.data.forEach((v, i) => {
      const r = checkIndex(v, data.shape[0], 'Gather');
      out.set(data.data.subarray(r * row, (r + 1) * row), i * row);
    });
    return [{ shape: [...idx.shape, ...data.shape.slice(1)], data: out }];
  },
  emit: (e, n) => e.node('Gather', n.inputs.map(e.name), [e.name(n.outputs[0])], { axis: 0 }),
  vjp: (g, n, [gy], needs) => {
    if (!gy || !needs[0]) return [null, null];
    const [data, idx] = n.inputs;
    const rest = data.shape.slice(1);
    const count = sizeOf(idx.shape);
    const flatIdx = g.expand(g.reshape(idx, [count, ...rest.map(() => 1)]), [count, ...rest]);
    return [g.scatterAdd(g.zeros([...data.shape]), flatIdx, g.reshape(gy, [count, ...rest]), 0), null];
  },
};

/** Walks every index position: calls f(flat position in idx, flat position in data). */
function forElements(dataShape: readonly number[], idx: Tensor64, axis: number, what: string, f: (i: number, o: number) => void) {
  const ist = stridesOf(idx.shape);
  const dst = stridesOf(dataShape);
  for (let i = 0; i < idx.data.length; i++) {
    let o = 0;
    for (let d = 0; d < idx.shape.length; d++) {
      const p = d === axis ? checkIndex(idx.data[i], dataShape[d], what) : Math.floor(i / ist[d]) % idx.shape[d];
      o += p * dst[d];
    }
    f(i, o);
  }
}

export const GatherElements: OpDef = {
  type: 'GatherElements',
  infer: ([data, idx], a) => {
    const ax = normAxis(a.axis as number, data.shape.length);
    if (!isInt(idx) || idx.shape.length !== data.shape.length || idx.shape.some((d, i) => i !== ax && d > data.shape[i]))
      throw new Error(`GatherElements: indices ${describe(idx)} do not fit data ${describe(data)} on axis ${ax}`);
    return [{ shape: [...idx.shape], dtype: data.dtype }];
  },
  evaluate: ([data, idx], a) => {
    const out = new Float64Array(idx.data.length);
    forElements(data.shape, idx, normAxis(a.axis as number, data.shape.length), 'GatherElements', (i, o) => (out[i] = data.data[o]));
    return [{ shape: [...idx.shape], data: out }];
  },
  emit: (e, n) =>
    e.node('GatherElements', n.inputs.map(e.name), [e.name(n.outputs[0])], {
      axis: normAxis(n.attrs.axis as number, n.inputs[0].shape.length),
    }),
  vjp: (g, n, [gy], needs) => {
    if (!gy || !needs[0]) return [null, null];
    const [data, idx] = n.inputs;
    return [g.scatterAdd(g.zeros([...data.shape]), idx, gy, n.attrs.axis as number), null];
  },
};

/** out = data; out[…idx…] += updates (repeated indices accumulate). */
export const ScatterAdd: OpDef = {
  type: 'ScatterAdd',
  infer: ([data, idx, upd], a) => {
    const ax = normAxis(a.axis as number, data.shape.length);
    if (
      !isInt(idx) ||
      !sameShape(idx.shape, upd.shape) ||
      upd.dtype !== data.dtype ||
      idx.shape.length !== data.shape.length ||
      idx.shape.some((d, i) => i !== ax && d > data.shape[i])
    )
      throw new Error(`ScatterAdd: indices ${describe(idx)} / updates ${describe(upd)} do not fit ${describe(data)}`);
    return [{ shape: [...data.shape], dtype: data.dtype }];
  },
  evaluate: ([data, idx, upd], a) => {
    const out = data.data.slice();
    forElements(data.shape, idx, normAxis(a.axis as number, data.shape.length), 'ScatterAdd', (i, o) => (out[o] += upd.data[i]));
    return [{ shape: [...data.shape], data: out }];
  },
  emit: (e, n) =>
    e.node('ScatterElements', n.inputs.map(e.name), [e.name(n.outputs[0])], {
      axis: normAxis(n.attrs.axis as number, n.inputs[0].shape.length),
      reduction: 'add',
    }),
  vjp: (g, n, [gy], needs) => {
    if (!gy) return [null, null, null];
    const idx = n.inputs[1];
    return [needs[0] ? gy : null, null, needs[2] ? g.gatherElements(gy, idx, n.attrs.axis as number) : null];
  },
};
