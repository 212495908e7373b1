/**
 * Largest-Triangle-Three-Buckets (Steinarsson 2013): pick `budget` points of a polyline so the drawn
 * shape stays close to the full one. First and last points are always kept; each middle bucket keeps
 * the point forming the largest triangle with the previously kept point and the next bucket's mean,
 * which is what lets a lone spike survive. Only the drawing is thinned — callers keep every point.
 *
 * Returns indices into xs/ys (increasing). xs must be non-decreasing and all values finite.
 */
export function lttbIndices(xs: ArrayLike<number>, ys: ArrayLike<number>, budget: number): Uint32Array {
  const n = xs.length;
  if (ys.length !== n) throw new RangeError(`lttb: ${n} x values but ${ys.length} y values`);
  if (!Number.isInteger(budget) || budget < 0) throw new RangeError(`lttb: budget must be a non-negative integer, got ${budget}`);
  if (budget >= n) return Uint32Array.from({ length: n }, (_, i) => i);
  if (budget === 0) return new Uint32Array(0);
  if (budget === 1) return Uint32Array.of(n - 1);
  if (budget === 2) return Uint32Array.of(0, n - 1);

  const out = new Uint32Array(budget);
  const every = (n - 2) / (budget - 2); // width of the middle buckets
  let a = 0;
  out[0] = 0;
  for (let b = 0; b < budget - 2; b++) {
    // mean of the next bucket (the last point when this is the final middle bucket)
    const nextStart = Math.floor((b + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((b + 2) * every) + 1, n);
    let mx = 0;
    let my = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      mx += xs[j];
      my += ys[j];
    }
    const count = nextEnd - nextStart;
    mx /= count;
    my /= count;

    const start = Math.floor(b * every) + 1;
    const end = Math.floor((b + 1) * every) + 1;
    const ax = xs[a];
    const ay = ys[a];
    let best = start;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      // twice the triangle area; the factor does not change the argmax
      const area = Math.abs((ax - mx) * (ys[j] - ay) - (ax - xs[j]) * (my - ay));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    out[b + 1] = best;
    a = best;
  }
  out[budget - 1] = n - 1;
  return out;
}
