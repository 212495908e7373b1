/**
 * Float32 arithmetic emulated in float64 (Math.fround after every product and sum), to measure
 * what an fp32 GPU kernel can reach before one is written. Slow: for accuracy studies only.
 */
export function roundToF32(a: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.fround(a[i]);
  return out;
}

/** C = A·B for square d×d matrices with fp32 products and a sequential fp32 accumulator. */
export function matmulSquareF32(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const c = new Float64Array(d * d);
  const bt = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) bt[j * d + i] = b[i * d + j];
  const f = Math.fround;
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let p = 0; p < d; p++) s = f(s + f(a[i * d + p] * bt[j * d + p]));
      c[i * d + j] = s;
    }
  return c;
}
