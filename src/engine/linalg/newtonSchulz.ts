/**
 * Σ^{-1/2} by the coupled Newton–Schulz iteration (matmuls only, so it maps onto GPU kernels):
 * Y₀ = Σ/c, Z₀ = I;  T = ½(3I − Z·Y);  Y ← Y·T;  Z ← T·Z;  Σ^{-1/2} ≈ Z/√c.
 * c must bound λmax (the iteration converges for spectra in (0, 1]); we take a Lanczos λmax ×1.01.
 * Unlike the eigendecomposition there is no eigenvalue clamp: small eigenvalues converge slowest.
 */
import { lanczosExtremes } from './lanczos';
import { matmul } from './matmul';
import { matmulSquareF32, roundToF32 } from './fp32';

export interface NewtonSchulzOptions {
  /** 'f32' emulates an fp32 kernel (every product and sum rounded). */
  precision?: 'f64' | 'f32';
  maxIterations?: number;
  /** Overrides the Lanczos scale estimate. */
  scale?: number;
}

export interface NewtonSchulzResult {
  invSqrt: Float64Array;
  iterations: number;
  /** ‖I − Z·Y‖_F / √d at the returned iterate. */
  residual: number;
  scale: number;
}

export function newtonSchulzInverseSqrt(a: ArrayLike<number>, d: number, opts: NewtonSchulzOptions = {}): NewtonSchulzResult {
  const f32 = opts.precision === 'f32';
  const mul = f32
    ? (x: Float64Array, y: Float64Array) => matmulSquareF32(x, y, d)
    : (x: Float64Array, y: Float64Array) => matmul(x, y, { m: d, k: d, n: d });
  const round = f32 ? Math.fround : (x: number) => x;
  const scale = opts.scale ?? lanczosExtremes(a, d, 20).lambdaMax * 1.01;
  let Y: Float64Array = new Float64Array(d * d);
  for (let i = 0; i < d * d; i++) Y[i] = a[i] / scale;
  if (f32) Y = roundToF32(Y);
  let Z: Float64Array = new Float64Array(d * d);
  for (let i = 0; i < d; i++) Z[i * d + i] = 1;
  const maxIterations = opts.maxIterations ?? 80;
  let best = { Z, residual: Infinity, iterations: 0 };
  let worse = 0;
  for (let it = 0; it < maxIterations; it++) {
    const ZY = mul(Z, Y);
    let res = 0;
    const T = new Float64Array(d * d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) {
        const e = (i === j ? 1 : 0) - ZY[i * d + j];
        res += e * e;
        T[i * d + j] = round(0.5 * ((i === j ? 3 : 0) - ZY[i * d + j]));
      }
    res = Math.sqrt(res / d);
    // The residual falls quadratically, then floors at rounding level: stop once it stops falling.
    if (res < best.residual) {
      best = { Z, residual: res, iterations: it };
      worse = 0;
    } else if (++worse >= 3) break;
    if (res < (f32 ? 1e-7 : 1e-15)) break;
    Y = mul(Y, T);
    Z = mul(T, Z);
  }
  const invSqrt = new Float64Array(d * d);
  const rs = 1 / Math.sqrt(scale);
  for (let i = 0; i < d * d; i++) invSqrt[i] = round(best.Z[i] * rs);
  return { invSqrt, iterations: best.iterations, residual: best.residual, scale };
}
