/**
 * Row-wise value targets V_i = −lr · ‖k̂_i‖² · ĝ_i (UltraEdit / StableEdit). With k̂ = k, ĝ = g it is
 * the `no-ln` ablation. The CPU twin of the GPU values kernel.
 */
export function valueTargets(
  kHat: ArrayLike<number>,
  gHat: ArrayLike<number>,
  rows: number,
  dIn: number,
  dOut: number,
  lr: number,
): Float64Array {
  const v = new Float64Array(rows * dOut);
  for (let i = 0; i < rows; i++) {
    let kk = 0;
    for (let p = 0; p < dIn; p++) {
      const x = kHat[i * dIn + p];
      kk += x * x;
    }
    const s = -lr * kk;
    for (let j = 0; j < dOut; j++) v[i * dOut + j] = s * gHat[i * dOut + j];
  }
  return v;
}
