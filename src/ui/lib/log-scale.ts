/**
 * What of a series can be drawn. Non-finite points (a NaN loss, a null diagnostic) are never drawn.
 * A log axis cannot place zero or negative values either (a negative cosine, a drift of exactly 0):
 * they are left out of the drawing and counted, so the chart can say how many are hidden. The data
 * itself keeps every point.
 */
export interface Drawable {
  xs: Float64Array;
  ys: Float64Array;
  /** Indices into the input of the points kept. */
  kept: Uint32Array;
  /** Finite points ≤ 0 left out because the axis is logarithmic. */
  nonPositive: number;
  /** Points left out because x or y is NaN or ±∞. */
  nonFinite: number;
}

export function drawablePoints(xs: ArrayLike<number>, ys: ArrayLike<number>, logScale: boolean): Drawable {
  // Plain loops into preallocated arrays: this runs for every line of every chart on every frame of a live run.
  const keep = new Uint32Array(ys.length);
  let n = 0;
  let nonPositive = 0;
  let nonFinite = 0;
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (!Number.isFinite(y) || !Number.isFinite(xs[i])) nonFinite++;
    else if (logScale && y <= 0) nonPositive++;
    else keep[n++] = i;
  }
  const kept = keep.slice(0, n);
  const outX = new Float64Array(n);
  const outY = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    outX[j] = xs[kept[j]];
    outY[j] = ys[kept[j]];
  }
  return { xs: outX, ys: outY, kept, nonPositive, nonFinite };
}
