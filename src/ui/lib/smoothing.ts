/**
 * TensorBoard's scalar smoothing: an exponential moving average debiased like Adam's moments, so the
 * first points are not dragged toward zero. With m_t = w·m_{t−1} + (1−w)·x_t and m_0 = 0, the drawn
 * value is m_t / (1 − w^t), where t counts only the finite points seen so far. Non-finite points are
 * passed through unchanged and do not advance the average (a NaN loss must not poison the rest).
 */
export function debiasedEma(ys: ArrayLike<number>, weight: number): Float64Array {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothing weight must be in [0, 1), got ${weight}`);
  const out = new Float64Array(ys.length);
  let m = 0;
  let t = 0;
  for (let i = 0; i < ys.length; i++) {
    const x = ys[i];
    if (!Number.isFinite(x) || weight === 0) {
      out[i] = x;
      continue;
    }
    m = weight * m + (1 - weight) * x;
    t++;
    out[i] = m / (1 - Math.pow(weight, t));
  }
  return out;
}
