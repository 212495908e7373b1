/** ArgMax and TopK (not differentiable): predictions for metrics and the probe box. */
import type { OpDef } from '../ir';
import { describe } from '../ir';
import { normAxis, sizeOf, stridesOf, type Tensor64 } from '../tensor';

/** Calls f(values, flat offsets) for every 1-D line of x along `axis`. */
function forLines(x: Tensor64, axis: number, f: (line: number[], offs: number[], lineNo: number) => void) {
  const len = x.shape[axis];
  const st = stridesOf(x.shape)[axis];
  const outer = sizeOf(x.shape.slice(0, axis));
  let lineNo = 0;
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < st; i++) {
      const offs = Array.from({ length: len }, (_, j) => o * len * st + i + j * st);
      f(offs.map((k) => x.data[k]), offs, lineNo++);
    }
}

/** First index of the maximum, like ONNX (select_last_index = 0). Output int64. */
export const ArgMax: OpDef = {
  type: 'ArgMax',
  infer: ([x], a) => {
    const ax = normAxis(a.axis as number, x.shape.length);
    const shape = x.shape.flatMap((d, i) => (i !== ax ? [d] : a.keepdims ? [1] : []));
    return [{ shape, dtype: 'int64' }];
  },
  evaluate: ([x], a, n) => {
    const out = new Float64Array(sizeOf(n.outputs[0].shape));
    forLines(x, normAxis(a.axis as number, x.shape.length), (line, _o, k) => {
      let best = 0;
      for (let j = 1; j < line.length; j++) if (line[j] > line[best]) best = j;
      out[k] = best;
    });
    return [{ shape: [...n.outputs[0].shape], data: out }];
  },
  emit: (e, n) =>
    e.node('ArgMax', [e.name(n.inputs[0])], [e.name(n.outputs[0])], {
      axis: normAxis(n.attrs.axis as number, n.inputs[0].shape.length),
      keepdims: n.attrs.keepdims ? 1 : 0,
    }),
};

/** k largest along the last axis, sorted descending; ties keep the lower index. Indices int64. */
export const TopK: OpDef = {
  type: 'TopK',
  infer: ([x], a) => {
    const k = a.k as number;
    const last = x.shape[x.shape.length - 1];
    if (!(k >= 1 && k <= last)) throw new Error(`TopK: k=${k} out of range for ${describe(x)}`);
    const shape = [...x.shape.slice(0, -1), k];
    return [{ shape, dtype: x.dtype }, { shape: [...shape], dtype: 'int64' }];
  },
  evaluate: ([x], a, n) => {
    const k = a.k as number;
    const vals = new Float64Array(sizeOf(n.outputs[0].shape));
    const idx = new Float64Array(vals.length);
    forLines(x, x.shape.length - 1, (line, _o, li) => {
      const order = line.map((_, j) => j).sort((p, q) => line[q] - line[p] || p - q);
      for (let j = 0; j < k; j++) {
        vals[li * k + j] = line[order[j]];
        idx[li * k + j] = order[j];
      }
    });
    return [{ shape: [...n.outputs[0].shape], data: vals }, { shape: [...n.outputs[1].shape], data: idx }];
  },
  emit: (e, n) =>
    e.node('TopK', [e.name(n.inputs[0]), e.int64([n.attrs.k as number])], n.outputs.map(e.name), {
      axis: -1,
      largest: 1,
      sorted: 1,
    }),
};
