/** Slice (step 1), zero Pad and Concat: each one's VJP is another of the three. */
import type { OpDef, Value } from '../ir';
import { describe } from '../ir';
import { normAxis, sizeOf, stridesOf, type Tensor64 } from '../tensor';

/** Per-axis [begin, end) of the slice, clamped like ONNX. */
function ranges(x: { shape: readonly number[] }, a: Record<string, unknown>): [number, number][] {
  const r: [number, number][] = x.shape.map((d) => [0, d]);
  const axes = a.axes as number[];
  axes.forEach((ax0, i) => {
    const ax = normAxis(ax0, x.shape.length);
    const d = x.shape[ax];
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
    r[ax] = [clamp((a.starts as number[])[i]), clamp((a.ends as number[])[i])];
  });
  return r;
}

/** Copies `src` into `dst` at per-axis offsets (negative offsets crop `src`). */
function copyBox(src: Tensor64, dst: Tensor64, offset: number[]): void {
  const ss = stridesOf(src.shape);
  const ds = stridesOf(dst.shape);
  for (let i = 0; i < src.data.length; i++) {
    let o = 0;
    let inside = true;
    for (let d = 0; d < src.shape.length; d++) {
      const p = (Math.floor(i / ss[d]) % src.shape[d]) + offset[d];
      if (p < 0 || p >= dst.shape[d]) inside = false;
      o += p * ds[d];
    }
    if (inside) dst.data[o] = src.data[i];
  }
}

export const Slice: OpDef = {
  type: 'Slice',
  infer: ([x], a) => {
    const r = ranges(x, a);
    if (r.some(([b, e]) => e <= b)) throw new Error(`Slice: empty slice of ${describe(x)} (starts ${a.starts}, ends ${a.ends})`);
    return [{ shape: r.map(([b, e]) => e - b), dtype: x.dtype }];
  },
  evaluate: ([x], a) => {
    const r = ranges(x, a);
    const out = { shape: r.map(([b, e]) => e - b), data: new Float64Array(sizeOf(r.map(([b, e]) => e - b))) };
    copyBox(
      x,
      out,
      r.map(([b]) => -b),
    );
    return [out];
  },
  emit: (e, n) => {
    const r = ranges(n.inputs[0], n.attrs);
    const axes = r.map((_, i) => i).filter((i) => r[i][0] !== 0 || r[i][1] !== n.inputs[0].shape[i]);
    e.node(
      'Slice',
      [e.name(n.inputs[0]), e.int64(axes.map((i) => r[i][0])), e.int64(axes.map((i) => r[i][1])), e.int64(axes)],
      [e.name(n.outputs[0])],
    );
  },
  vjp: (g, n, [gy]) => {
    if (!gy) return [null];
    const x = n.inputs[0];
    const r = ranges(x, n.attrs);
    return [
      g.pad(
        gy,
        r.map(([b]) => b),
        r.map(([, e], i) => x.shape[i] - e),
      ),
    ];
  },
};

/** Zero padding: `begins[i]` / `ends[i]` elements added before / after axis i. */
export const Pad: OpDef = {
  type: 'Pad',
  infer: ([x], a) => {
    const [b, e] = [a.begins as number[], a.ends as number[]];
    if (b.length !== x.shape.length || e.length !== x.shape.length || [...b, ...e].some((p) => p < 0))
      throw new Error(`Pad: pads [${b}] / [${e}] do not fit ${describe(x)}`);
    return [{ shape: x.shape.map((d, i) => d + b[i] + e[i]), dtype: x.dtype }];
  },
  evaluate: ([x], a, n) => {
    const out = { shape: [...n.outputs[0].shape], data: new Float64Array(sizeOf(n.outputs[0].shape)) };
    copyBox(x, out, a.begins as number[]);
    return [out];
  },
  emit: (e, n) =>
    e.node('Pad', [e.name(n.inputs[0]), e.int64([...(n.attrs.begins as number[]), ...(n.attrs.ends as number[])])], [e.name(n.outputs[0])]),
  vjp: (g, n, [gy]) => {
    if (!gy) return [null];
    const x = n.inputs[0];
    const b = n.attrs.begins as number[];
    return [
      g.slice(
        gy,
        b,
        b.map((s, i) => s + x.shape[i]),
        b.map((_, i) => i),
      ),
    ];
  },
};

export const Concat: OpDef = {
  type: 'Concat',
  infer: (xs, a) => {
    const ax = normAxis(a.axis as number, xs[0].shape.length);
    const shape = [...xs[0].shape];
    for (const x of xs.slice(1)) {
      if (x.dtype !== xs[0].dtype || x.shape.length !== shape.length || x.shape.some((d, i) => i !== ax && d !== shape[i]))
        throw new Error(`Concat on axis ${ax}: ${describe(x)} does not fit ${describe(xs[0])}`);
      shape[ax] += x.shape[ax];
    }
    return [{ shape, dtype: xs[0].dtype }];
  },
  evaluate: (xs, a, n) => {
    const ax = normAxis(a.axis as number, xs[0].shape.length);
    const out = { shape: [...n.outputs[0].shape], data: new Float64Array(sizeOf(n.outputs[0].shape)) };
    let at = 0;
    for (const x of xs) {
      copyBox(
        x,
        out,
        x.shape.map((_, i) => (i === ax ? at : 0)),
      );
      at += x.shape[ax];
    }
    return [out];
  },
  emit: (e, n) =>
    e.node('Concat', n.inputs.map(e.name), [e.name(n.outputs[0])], { axis: normAxis(n.attrs.axis as number, n.inputs[0].shape.length) }),
  vjp: (g, n, [gy], needs) => {
    const ax = normAxis(n.attrs.axis as number, n.inputs[0].shape.length);
    let at = 0;
    return n.inputs.map((x: Value, i) => {
      const s = at;
      at += x.shape[ax];
      return gy && needs[i] ? g.slice(gy, [s], [at], [ax]) : null;
    });
  },
};
