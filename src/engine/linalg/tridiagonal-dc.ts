/**
 * Eigenvalues and eigenvectors of a symmetric tridiagonal matrix by divide and conquer (Cuppen's
 * split, the secular equation, Gu–Eisenstat's recomputed ẑ; LAPACK's dstedc in outline), float64.
 * Almost all of its O(n³) work is the merges' products Q·U, which go through `matmul` — to the
 * installed float64 GEMM (gemm.ts) where there is one — instead of the QL rotations' dependent
 * chain of 2×2 updates (eigh.ts uses it when a GEMM is installed; docs/design.md §6).
 *
 * T has diagonal d[0..n) and off-diagonal off[i] = T[i][i+1]. Returns the eigenvalues ascending and
 * Z with Z[i·n + j] = component i of the unit eigenvector j (columns are the vectors).
 */
import { matmul } from './matmul';
import { SERIAL_POOL } from './parallel/pool';
import { symmetricEigen } from './eigh';

const EPS = 2 ** -52;
/** Blocks of this order or less are solved directly (the dense QL of eigh.ts). */
const LEAF = 32;

export interface TridiagonalEigen {
  values: Float64Array;
  z: Float64Array;
}

export function tridiagonalEigen(d: ArrayLike<number>, off: ArrayLike<number>, n: number): TridiagonalEigen {
  if (n <= LEAF) return leaf(d, off, n);
  // T = diag(T1 − β·e_last e_lastᵀ, T2 − β·e_1 e_1ᵀ) + β·v vᵀ, v = e_{m−1} + e_m
  const m = n >> 1;
  const beta = off[m - 1];
  const d1 = Float64Array.from({ length: m }, (_, i) => d[i]);
  const d2 = Float64Array.from({ length: n - m }, (_, i) => d[m + i]);
  d1[m - 1] -= beta;
  d2[0] -= beta;
  const o1 = Float64Array.from({ length: m - 1 }, (_, i) => off[i]);
  const o2 = Float64Array.from({ length: n - m - 1 }, (_, i) => off[m + i]);
  return merge(tridiagonalEigen(d1, o1, m), tridiagonalEigen(d2, o2, n - m), m, n - m, beta);
}

function leaf(d: ArrayLike<number>, off: ArrayLike<number>, n: number): TridiagonalEigen {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    t[i * n + i] = d[i];
    if (i + 1 < n) t[i * n + i + 1] = t[(i + 1) * n + i] = off[i];
  }
  const e = symmetricEigen(t, n, SERIAL_POOL);
  const z = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) z[i * n + j] = e.vectors[j * n + i];
  return { values: e.values, z };
}

/** The eigen-decomposition of diag(Q1, Q2)·(diag(λ1, λ2) + β·z zᵀ)·diag(Q1, Q2)ᵀ. */
function merge(a: TridiagonalEigen, b: TridiagonalEigen, m: number, m2: number, beta: number): TridiagonalEigen {
  const n = m + m2;
  // Qb = diag(Q1, Q2); z = (last row of Q1, first row of Q2) / √2, a unit vector, and ρ = 2β
  const Q = new Float64Array(n * n);
  for (let i = 0; i < m; i++) Q.set(a.z.subarray(i * m, i * m + m), i * n);
  for (let i = 0; i < m2; i++) Q.set(b.z.subarray(i * m2, i * m2 + m2), (m + i) * n + m);
  const D = new Float64Array(n);
  const z = new Float64Array(n);
  for (let i = 0; i < m; i++) ((D[i] = a.values[i]), (z[i] = a.z[(m - 1) * m + i] * Math.SQRT1_2));
  for (let j = 0; j < m2; j++) ((D[m + j] = b.values[j]), (z[m + j] = b.z[j] * Math.SQRT1_2));
  let rho = 2 * beta;
  // ρ < 0: solve −D + |ρ| z zᵀ (same vectors, eigenvalues negated)
  const flip = rho < 0;
  if (flip) {
    for (let i = 0; i < n; i++) D[i] = -D[i];
    rho = -rho;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => D[x] - D[y]);
  let dmax = 0;
  for (let i = 0; i < n; i++) dmax = Math.max(dmax, Math.abs(D[i]));
  const tol = 8 * EPS * Math.max(dmax, rho);

  // Deflation (dlaed2): a negligible ρ·z_k leaves (D_k, column k) as an eigenpair; two close D's are
  // rotated so one z vanishes, the other carries hypot(z_i, z_j).
  const kept: number[] = [];
  const deflated: number[] = [];
  let prev = -1;
  for (const k of order) {
    if (rho * Math.abs(z[k]) <= tol) {
      deflated.push(k);
      continue;
    }
    if (prev < 0) {
      prev = k;
      continue;
    }
    const r = Math.hypot(z[prev], z[k]);
    const c = z[k] / r;
    const s = z[prev] / r;
    if (Math.abs(c * s * (D[prev] - D[k])) <= tol) {
      // a = c·e_prev − s·e_k (decoupled), b = s·e_prev + c·e_k (goes on, z_b = r)
      for (let i = 0; i < n; i++) {
        const qp = Q[i * n + prev];
        const qk = Q[i * n + k];
        Q[i * n + prev] = c * qp - s * qk;
        Q[i * n + k] = s * qp + c * qk;
      }
      const dp = D[prev];
      D[prev] = c * c * dp + s * s * D[k];
      D[k] = s * s * dp + c * c * D[k];
      z[prev] = 0;
      z[k] = r;
      deflated.push(prev);
    } else kept.push(prev);
    prev = k;
  }
  if (prev >= 0) kept.push(prev);

  const K = kept.length;
  const dd = Float64Array.from(kept, (k) => D[k]);
  const zz = Float64Array.from(kept, (k) => z[k]);
  const { origin, tau } = secularRoots(dd, zz, rho);
  // diff(t, j) = dd_j − λ_t, from the root's origin so that it keeps its relative accuracy
  const diff = new Float64Array(K * K);
  for (let t = 0; t < K; t++) {
    const o = dd[origin[t]];
    for (let j = 0; j < K; j++) diff[t * K + j] = dd[j] - o - tau[t];
  }
  // Gu–Eisenstat: the ẑ for which the computed roots are exact, so the vectors are orthogonal
  const zh = new Float64Array(K);
  for (let j = 0; j < K; j++) {
    let p = -diff[j * K + j] / rho;
    for (let i = 0; i < K; i++) if (i !== j) p *= -diff[i * K + j] / (dd[i] - dd[j]);
    zh[j] = Math.sign(zz[j]) * Math.sqrt(Math.max(p, 0));
  }
  const U = new Float64Array(K * K); // U[j·K + t] = component j of the vector of root t
  for (let t = 0; t < K; t++) {
    let s = 0;
    for (let j = 0; j < K; j++) {
      const u = zh[j] / diff[t * K + j];
      U[j * K + t] = u;
      s += u * u;
    }
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < K; j++) U[j * K + t] *= inv;
  }
  const Qk = new Float64Array(n * K);
  for (let i = 0; i < n; i++) for (let t = 0; t < K; t++) Qk[i * K + t] = Q[i * n + kept[t]];
  const QU = matmul(Qk, U, { m: n, k: K, n: K });

  // every eigenpair, ascending
  const vals: number[] = [];
  const src: { from: Float64Array; col: number; stride: number }[] = [];
  for (let t = 0; t < K; t++) (vals.push(dd[origin[t]] + tau[t]), src.push({ from: QU, col: t, stride: K }));
  for (const k of deflated) (vals.push(D[k]), src.push({ from: Q, col: k, stride: n }));
  if (flip) for (let i = 0; i < n; i++) vals[i] = -vals[i];
  const idx = Array.from({ length: n }, (_, i) => i).sort((x, y) => vals[x] - vals[y]);
  const values = Float64Array.from(idx, (i) => vals[i]);
  const out = new Float64Array(n * n);
  idx.forEach((from, j) => {
    const s = src[from];
    for (let i = 0; i < n; i++) out[i * n + j] = s.from[i * s.stride + s.col];
  });
  return { values, z: out };
}

/**
 * The roots of 1 + ρ·Σ_j z_j²/(d_j − λ) = 0 for ascending distinct d, ρ > 0: one in each
 * (d_t, d_{t+1}) and the last in (d_K, d_K + ρ‖z‖²). Each is held as origin + τ with the nearer pole
 * as origin (decided by the sign at the midpoint), so d_j − λ is computed as (d_j − d_origin) − τ
 * without cancellation. τ by Newton steps inside a bracket that every evaluation narrows (f rises
 * with λ), falling back to bisection when a step leaves it, until the bracket is a few ulps wide or
 * |f| is below its rounding error.
 */
export function secularRoots(dd: Float64Array, zz: Float64Array, rho: number): { origin: Int32Array; tau: Float64Array } {
  const K = dd.length;
  const origin = new Int32Array(K);
  const tau = new Float64Array(K);
  const w = Float64Array.from(zz, (x) => rho * x * x);
  let zn = 0;
  for (let j = 0; j < K; j++) zn += w[j];
  for (let t = 0; t < K; t++) {
    let o = t;
    let lo = 0;
    let hi: number;
    if (t < K - 1) {
      const half = (dd[t + 1] - dd[t]) / 2;
      let f = 1;
      for (let j = 0; j < K; j++) f += w[j] / (dd[j] - dd[t] - half);
      if (f >= 0) hi = half;
      else {
        o = t + 1;
        lo = -half;
        hi = 0;
      }
    } else hi = zn;
    const base = dd[o];
    let x = 0.5 * (lo + hi);
    for (let it = 0; it < 200; it++) {
      let f = 1;
      let df = 0;
      let err = 1;
      for (let j = 0; j < K; j++) {
        const q = w[j] / (dd[j] - base - x);
        f += q;
        err += Math.abs(q);
        df += q / (dd[j] - base - x);
      }
      if (f < 0) lo = x;
      else hi = x;
      if (Math.abs(f) <= 8 * EPS * err || hi - lo <= 4 * EPS * Math.max(Math.abs(lo), Math.abs(hi))) break;
      let next = x - f / df;
      if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
      if (next === x) break;
      x = next;
    }
    origin[t] = o;
    tau[t] = x !== 0 ? x : o === t ? hi : lo; // never on the pole itself
  }
  return { origin, tau };
}
