/**
 * Per-column batch moments of an n×d row-major block: count, mean and the sum of squared
 * deviations M2 = Σ_i (x_id − mean_d)². The CPU twin of shaders/moments.wgsl; the running
 * normalizers merge these Chan-style.
 */
export interface Moments {
  count: number;
  mean: Float64Array;
  m2: Float64Array;
}

export function columnMoments(x: ArrayLike<number>, n: number, d: number): Moments {
  const mean = new Float64Array(d);
  const m2 = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j];
  if (n > 0) for (let j = 0; j < d; j++) mean[j] /= n;
  // Two passes (centre, then square) rather than Σx² − n·mean²: no cancellation at large means.
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) {
      const t = x[i * d + j] - mean[j];
      m2[j] += t * t;
    }
  return { count: n, mean, m2 };
}
