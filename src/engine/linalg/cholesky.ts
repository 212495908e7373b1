/**
 * Cholesky factorisation A = L·Lᵀ of an SPD matrix and the two triangular solves, float64, flat
 * row-major. The CPU twin of the blocked GPU Cholesky used by the dual ridge solve (N×N system).
 */

/** Lower-triangular L (upper triangle zeroed). Throws when A is not numerically positive definite. */
export function cholesky(a: ArrayLike<number>, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    for (let i = j; i < n; i++) {
      const ri = i * n;
      // Row-oriented dot products: both L rows are contiguous.
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= L[ri + k] * L[rj + k];
      if (i === j) {
        if (!(s > 0)) throw new Error(`cholesky: matrix is not positive definite (pivot ${j} = ${s})`);
        L[rj + j] = Math.sqrt(s);
      } else {
        L[ri + j] = s / L[rj + j];
      }
    }
  }
  return L;
}

/** Solves L·Y = B for Y (B is [n, m], overwritten by Y). */
export function solveLower(L: Float64Array, b: Float64Array, n: number, m: number): Float64Array {
  for (let i = 0; i < n; i++) {
    const ri = i * m;
    for (let k = 0; k < i; k++) {
      const lik = L[i * n + k];
      if (lik === 0) continue;
      const rk = k * m;
      for (let c = 0; c < m; c++) b[ri + c] -= lik * b[rk + c];
    }
    const inv = 1 / L[i * n + i];
    for (let c = 0; c < m; c++) b[ri + c] *= inv;
  }
  return b;
}

/** Solves Lᵀ·X = Y for X (Y is [n, m], overwritten by X). */
export function solveLowerTransposed(L: Float64Array, y: Float64Array, n: number, m: number): Float64Array {
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * m;
    for (let k = i + 1; k < n; k++) {
      const lki = L[k * n + i];
      if (lki === 0) continue;
      const rk = k * m;
      for (let c = 0; c < m; c++) y[ri + c] -= lki * y[rk + c];
    }
    const inv = 1 / L[i * n + i];
    for (let c = 0; c < m; c++) y[ri + c] *= inv;
  }
  return y;
}

/** X = A⁻¹·B for SPD A [n, n] and B [n, m]; B is not modified. */
export function solveSpd(a: ArrayLike<number>, b: ArrayLike<number>, n: number, m: number): Float64Array {
  const L = cholesky(a, n);
  const x = Float64Array.from(b as ArrayLike<number>);
  solveLower(L, x, n, m);
  return solveLowerTransposed(L, x, n, m);
}
