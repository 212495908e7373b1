/**
 * Extreme Ritz values of a symmetric operator by Lanczos with full reorthogonalisation. Used to
 * scale Newton–Schulz (λmax × 1.01, never the trace) and as the cheap λmax / κ estimate the GPU
 * path reports; only the small tridiagonal is decomposed.
 */
import { symmetricEigen } from './eigh';
import { Rng } from '../util/rng';

export function lanczosExtremes(a: ArrayLike<number>, n: number, steps: number, seed = 1): { lambdaMax: number; lambdaMin: number } {
  const m = Math.min(steps, n);
  const rng = new Rng(seed);
  const Q: Float64Array[] = [];
  const alpha: number[] = [];
  const beta: number[] = [];
  let q = rng.normals(n) as Float64Array;
  normalize(q);
  for (let j = 0; j < m; j++) {
    Q.push(q);
    const w = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let c = 0; c < n; c++) s += a[r * n + c] * q[c];
      w[r] = s;
    }
    alpha.push(dot(w, q));
    // Full reorthogonalisation (twice is enough) keeps the Ritz values free of ghost copies.
    for (let pass = 0; pass < 2; pass++) for (const qi of Q) axpy(w, qi, -dot(w, qi));
    const b = Math.sqrt(dot(w, w));
    if (j === m - 1 || b < 1e-14 * Math.abs(alpha[0] || 1)) break;
    beta.push(b);
    for (let i = 0; i < n; i++) w[i] /= b;
    q = w;
  }
  const k = alpha.length;
  const t = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    t[i * k + i] = alpha[i];
    if (i + 1 < k) t[i * k + i + 1] = t[(i + 1) * k + i] = beta[i];
  }
  const { values } = symmetricEigen(t, k);
  return { lambdaMax: values[k - 1], lambdaMin: values[0] };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(y: Float64Array, x: Float64Array, alpha: number): void {
  for (let i = 0; i < y.length; i++) y[i] += alpha * x[i];
}

function normalize(v: Float64Array): void {
  const s = Math.sqrt(dot(v, v));
  for (let i = 0; i < v.length; i++) v[i] /= s;
}
