/**
 * Symmetric rank-k products of a row-major block X [rows, d]: the scatter update S += α·XᵀX
 * (d×d, one triangle computed then mirrored) and the Gram matrix X·Xᵀ (rows×rows). CPU twins of
 * the SYRK kernels behind the value-gradient scatter and the dual ridge system KKᵀ + λI.
 */
import { asFloat64, gemmFor } from './gemm';

/**
 * S [d, d] += alpha · XᵀX, exactly symmetric. In JS it accumulates over rows in order, so the diagonal
 * equals Σ_r α·x_r²; on a native GEMM (large products) the same to float64 rounding.
 */
export function scatterUpdate(s: Float64Array, x: ArrayLike<number>, rows: number, d: number, alpha = 1): Float64Array {
  const native = gemmFor({ m: d, k: rows, n: d });
  // on the installed float64 GEMM (gemm.ts): XᵀX whole, its upper triangle used as below
  const upper = native ? native.gemm(asFloat64(x), asFloat64(x), { m: d, k: rows, n: d, transA: true }) : new Float64Array(d * d);
  for (let r = 0; !native && r < rows; r++) {
    const xr = r * d;
    for (let i = 0; i < d; i++) {
      const xi = x[xr + i];
      if (xi === 0) continue;
      const ui = i * d;
      for (let j = i; j < d; j++) upper[ui + j] += xi * x[xr + j];
    }
  }
  for (let i = 0; i < d; i++)
    for (let j = i; j < d; j++) {
      const v = alpha * upper[i * d + j];
      s[i * d + j] += v;
      if (j !== i) s[j * d + i] += v;
    }
  return s;
}

/** S [d, d] += alpha · u·uᵀ (the Chan cross term of a scatter merge). */
export function rankOneUpdate(s: Float64Array, u: ArrayLike<number>, d: number, alpha: number): Float64Array {
  for (let i = 0; i < d; i++) {
    const aui = alpha * u[i];
    const ri = i * d;
    for (let j = 0; j < d; j++) s[ri + j] += aui * u[j];
  }
  return s;
}

/**
 * X·Xᵀ [rows, rows], exactly symmetric: on the installed float64 GEMM provider when the product is
 * large enough (gemm.ts; its lower triangle mirrored), else gramRows.
 */
export function gram(x: ArrayLike<number>, rows: number, d: number): Float64Array {
  const native = gemmFor({ m: rows, k: d, n: rows });
  if (!native) return gramRows(x, rows, d);
  const xx = asFloat64(x);
  const g = native.gemm(xx, xx, { m: rows, k: d, n: rows, transB: true });
  for (let i = 0; i < rows; i++) for (let j = 0; j < i; j++) g[j * rows + i] = g[i * rows + j];
  return g;
}

/** X·Xᵀ [rows, rows] for X [rows, d]: row dot products, lower triangle computed then mirrored. */
export function gramRows(x: ArrayLike<number>, rows: number, d: number): Float64Array {
  const g = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) {
    const xi = i * d;
    for (let j = 0; j <= i; j++) {
      const xj = j * d;
      let s = 0;
      for (let p = 0; p < d; p++) s += x[xi + p] * x[xj + p];
      g[i * rows + j] = s;
      g[j * rows + i] = s;
    }
  }
  return g;
}
