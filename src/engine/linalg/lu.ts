/**
 * X = A⁻¹·B for a general (non-symmetric) A [n, n] and B [n, m] by LU with partial pivoting, float64.
 * AlphaEdit's system P(KKᵀ + C) + λI is not symmetric, so Cholesky does not apply (docs/design.md §7).
 */
export function solveGeneral(a: ArrayLike<number>, b: ArrayLike<number>, n: number, m: number): Float64Array {
  if (a.length !== n * n || b.length !== n * m) throw new Error(`solveGeneral: expected A [${n}, ${n}] and B [${n}, ${m}]`);
  const A = Float64Array.from(a);
  const X = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r * n + c]) > Math.abs(A[p * n + c])) p = r;
    const pivot = A[p * n + c];
    if (pivot === 0 || !Number.isFinite(pivot)) throw new Error(`solveGeneral: the matrix is singular (column ${c})`);
    if (p !== c) {
      swapRows(A, p, c, n);
      swapRows(X, p, c, m);
    }
    for (let r = c + 1; r < n; r++) {
      const f = A[r * n + c] / pivot;
      if (f === 0) continue;
      for (let j = c; j < n; j++) A[r * n + j] -= f * A[c * n + j];
      for (let j = 0; j < m; j++) X[r * m + j] -= f * X[c * m + j];
    }
  }
  for (let c = n - 1; c >= 0; c--) {
    const d = A[c * n + c];
    for (let j = 0; j < m; j++) {
      let s = X[c * m + j];
      for (let k = c + 1; k < n; k++) s -= A[c * n + k] * X[k * m + j];
      X[c * m + j] = s / d;
    }
  }
  return X;
}

function swapRows(x: Float64Array, i: number, j: number, w: number): void {
  for (let k = 0; k < w; k++) {
    const t = x[i * w + k];
    x[i * w + k] = x[j * w + k];
    x[j * w + k] = t;
  }
}
