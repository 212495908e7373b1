/**
 * The error measure kernel tests use against their float64 twins:
 *
 *   maxRelativeError(gpu, ref) = max_i |gpu_i − ref_i| / max_i |ref_i|
 *
 * (max-norm relative error of the whole tensor). Per-element relative error would blow up on
 * entries that cancel to ≈0, which fp32 cannot reproduce to relative precision; scaling by the
 * largest reference entry asks for what fp32 can give. When the reference is all zeros the
 * denominator is 1 (plain absolute error), so the result is exactly 0 only for exact zeros.
 * NaN anywhere gives NaN (which fails any ≤ test).
 */
export function maxRelativeError(actual: ArrayLike<number>, reference: ArrayLike<number>): number {
  if (actual.length !== reference.length) throw new RangeError(`length mismatch: ${actual.length} vs ${reference.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i++) {
    const d = Math.abs(actual[i] - reference[i]);
    if (Number.isNaN(d)) return NaN;
    if (d > diff) diff = d;
    const r = Math.abs(reference[i]);
    if (r > scale) scale = r;
  }
  return diff / (scale > 0 ? scale : 1);
}
