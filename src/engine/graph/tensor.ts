/**
 * Dense float64 tensors for the IR's reference interpreter, and the shape arithmetic (numpy
 * broadcasting, strides) that the ops' shape inference shares with it.
 */

export interface Tensor64 {
  shape: number[];
  /** Every dtype is held in float64; ints are exact up to 2^53, bools are 0/1. */
  data: Float64Array;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** numpy broadcasting of two shapes, or null when they do not broadcast. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | null {
  const r = Math.max(a.length, b.length);
  const out = new Array<number>(r);
  for (let i = 0; i < r; i++) {
    const da = a[a.length - r + i] ?? 1;
    const db = b[b.length - r + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** For every element of `outShape` (row-major), the flat index of the element of `inShape` it reads. */
export function broadcastIndex(outShape: readonly number[], inShape: readonly number[]): Int32Array {
  const n = sizeOf(outShape);
  const r = outShape.length;
  const off = r - inShape.length;
  const inStrides = stridesOf(inShape);
  // stride 0 on broadcast axes
  const st = outShape.map((_, i) => (i < off || inShape[i - off] === 1 ? 0 : inStrides[i - off]));
  const idx = new Int32Array(n);
  const pos = new Array<number>(r).fill(0);
  let cur = 0;
  for (let k = 0; k < n; k++) {
    idx[k] = cur;
    for (let i = r - 1; i >= 0; i--) {
      pos[i]++;
      cur += st[i];
      if (pos[i] < outShape[i]) break;
      cur -= st[i] * pos[i];
      pos[i] = 0;
    }
  }
  return idx;
}

/** Axes of `outShape` that were broadcast from `inShape`: where summing a gradient must happen. */
export function broadcastAxes(outShape: readonly number[], inShape: readonly number[]): number[] {
  const off = outShape.length - inShape.length;
  const axes: number[] = [];
  for (let i = 0; i < outShape.length; i++) {
    if (i < off || (inShape[i - off] === 1 && outShape[i] !== 1)) axes.push(i);
  }
  return axes;
}

export function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`axis ${axis} out of range for rank ${rank}`);
  return a;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function tensor(shape: number[], data?: ArrayLike<number>): Tensor64 {
  const n = sizeOf(shape);
  const d = new Float64Array(n);
  if (data) {
    if (data.length !== n) throw new Error(`tensor data has ${data.length} elements, shape [${shape}] needs ${n}`);
    d.set(data);
  }
  return { shape: [...shape], data: d };
}
