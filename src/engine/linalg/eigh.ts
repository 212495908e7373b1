/**
 * Symmetric eigendecomposition in float64: Householder tridiagonalisation (tred2) then implicit QL
 * (tql2), after EISPACK, on a flat row-major matrix. The exact reference that the whitening
 * kernels (and Newton–Schulz) are measured against; O(n³).
 */
export interface SymmetricEigen {
  n: number;
  /** Ascending. */
  values: Float64Array;
  /** Row j (vectors[j*n .. j*n+n)) is the unit eigenvector of values[j]. */
  vectors: Float64Array;
}

/** `a` must be symmetric; it is not modified. */
export function symmetricEigen(a: ArrayLike<number>, n: number): SymmetricEigen {
  if (a.length !== n * n) throw new Error(`symmetricEigen: expected ${n * n} entries, got ${a.length}`);
  const A = Float64Array.from(a as ArrayLike<number>);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 0) return { n, values: d, vectors: A };
  // P = Qᵀ with A = Q T Qᵀ: its rows are the basis tql2 rotates, so every inner loop runs along a row.
  const W = tridiagonalize(A, d, e, n);
  tql2(W, d, e, n);
  return sortAscending(d, W, n);
}

/**
 * Householder tridiagonalisation (EISPACK tred2 in its row-oriented Numerical Recipes form) on the
 * LOWER triangle of the row-major A, which it overwrites: step i turns row i's leading part x into
 * u (H_i = I − u·uᵀ/h, h = |u|²/2) and applies A ← H_i A H_i as the symmetric rank-2 update
 * A −= u·qᵀ + q·uᵀ, q = p − (uᵀp / 2h)·u, p = A·u / h. Both the product A·u (dot along row j for
 * k ≤ j, axpy along row j for the mirrored k < j) and the update walk contiguous rows. Returns
 * P = H_1 H_2 ⋯ H_{n−1} (so T = P A Pᵀ), row-major; d ← diag(T), e[i] ← T[i][i−1], e[0] = 0.
 */
function tridiagonalize(A: Float64Array, d: Float64Array, e: Float64Array, n: number): Float64Array {
  const hs = new Float64Array(n);
  const p = new Float64Array(n);
  for (let i = n - 1; i > 0; i--) {
    const ri = i * n;
    let scale = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(A[ri + k]);
    if (i === 1 || scale === 0) {
      e[i] = A[ri + i - 1];
      continue;
    }
    // Scaling by Σ|x| keeps Σx² from under/overflowing; H_i does not depend on u's scale.
    let h = 0;
    for (let k = 0; k < i; k++) {
      A[ri + k] /= scale;
      h += A[ri + k] * A[ri + k];
    }
    const f = A[ri + i - 1];
    const g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
    e[i] = scale * g;
    h -= f * g;
    A[ri + i - 1] = f - g;
    hs[i] = h;
    symmetricLowerMatVec(A, n, i, ri, p);
    let uTp = 0;
    for (let j = 0; j < i; j++) {
      p[j] /= h;
      uTp += p[j] * A[ri + j];
    }
    const hh = uTp / (h + h);
    for (let j = 0; j < i; j++) p[j] -= hh * A[ri + j];
    for (let j = 0; j < i; j++) {
      const rj = j * n;
      const uj = A[ri + j];
      const qj = p[j];
      for (let k = 0; k <= j; k++) A[rj + k] -= uj * p[k] + qj * A[ri + k];
    }
  }
  for (let i = 0; i < n; i++) d[i] = A[i * n + i];
  e[0] = 0;
  // P_i = P_{i−1}·H_i: P_{i−1} is the identity outside its leading (i−1)×(i−1) block and u_i lives
  // on the leading i coordinates, so only rows r < i change: P[r] −= (P[r]·u / h) uᵀ. Four rows at
  // a time: four independent dot-product chains instead of one latency-bound chain.
  const P = new Float64Array(n * n);
  for (let i = 0; i < n; i++) P[i * n + i] = 1;
  for (let i = 2; i < n; i++) {
    const h = hs[i];
    if (h === 0) continue;
    const ri = i * n;
    let r = 0;
    for (; r + 4 <= i; r += 4) {
      const r0 = r * n;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      let v0 = 0;
      let v1 = 0;
      let v2 = 0;
      let v3 = 0;
      for (let k = 0; k < i; k++) {
        const uk = A[ri + k];
        v0 += P[r0 + k] * uk;
        v1 += P[r1 + k] * uk;
        v2 += P[r2 + k] * uk;
        v3 += P[r3 + k] * uk;
      }
      v0 /= h;
      v1 /= h;
      v2 /= h;
      v3 /= h;
      for (let k = 0; k < i; k++) {
        const uk = A[ri + k];
        P[r0 + k] -= v0 * uk;
        P[r1 + k] -= v1 * uk;
        P[r2 + k] -= v2 * uk;
        P[r3 + k] -= v3 * uk;
      }
    }
    for (; r < i; r++) {
      const rr = r * n;
      let v = 0;
      for (let k = 0; k < i; k++) v += P[rr + k] * A[ri + k];
      v /= h;
      for (let k = 0; k < i; k++) P[rr + k] -= v * A[ri + k];
    }
  }
  return P;
}

/**
 * p[0..i) = A[0..i)[0..i)·u, u = A[ri .. ri+i), from the lower triangle: row j contributes a dot
 * product (k ≤ j) and an axpy into p (the mirrored k < j). Two rows per pass so the two dot chains
 * overlap instead of waiting on each other's add latency.
 */
function symmetricLowerMatVec(A: Float64Array, n: number, i: number, ri: number, p: Float64Array): void {
  p.fill(0, 0, i);
  let j = 0;
  for (; j + 2 <= i; j += 2) {
    const r0 = j * n;
    const r1 = r0 + n;
    const u0 = A[ri + j];
    const u1 = A[ri + j + 1];
    let s0 = 0;
    let s1 = 0;
    for (let k = 0; k < j; k++) {
      const a0 = A[r0 + k];
      const a1 = A[r1 + k];
      const uk = A[ri + k];
      s0 += a0 * uk;
      s1 += a1 * uk;
      p[k] += a0 * u0 + a1 * u1;
    }
    const a10 = A[r1 + j];
    s1 += a10 * u0;
    p[j] += s0 + A[r0 + j] * u0 + a10 * u1;
    p[j + 1] += s1 + A[r1 + j + 1] * u1;
  }
  if (j < i) {
    const rj = j * n;
    const uj = A[ri + j];
    let s = 0;
    for (let k = 0; k < j; k++) {
      const ajk = A[rj + k];
      s += ajk * A[ri + k];
      p[k] += ajk * uj;
    }
    p[j] += s + A[rj + j] * uj;
  }
}

/** Implicit QL on the tridiagonal (d, e); W holds the transform TRANSPOSED (row i = column i). */
function tql2(W: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  const cs = new Float64Array(n);
  const sn = new Float64Array(n);
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m === n) m = n - 1; // e[n-1] = 0 always stops the scan; guard for safety
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60 * n) throw new Error('symmetricEigen: QL iteration did not converge');
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          cs[i] = c;
          sn[i] = s;
        }
        applySweep(W, n, l, m, cs, sn);
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

/**
 * One QL sweep's rotations applied to W's rows: rotation i (i = m−1 down to l) mixes rows i and
 * i+1 as [W_{i+1}; W_i] ← [s·W_i + c·W_{i+1}; c·W_i − s·W_{i+1}]. The rotations depend only on
 * (d, e), so they are recorded first and applied here strip by strip of 4 columns: the running row
 * i+1 stays in locals and every element of rows l..m is loaded and stored once per sweep.
 */
function applySweep(W: Float64Array, n: number, l: number, m: number, cs: Float64Array, sn: Float64Array): void {
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    let rm = m * n + k;
    let h0 = W[rm];
    let h1 = W[rm + 1];
    let h2 = W[rm + 2];
    let h3 = W[rm + 3];
    for (let i = m - 1; i >= l; i--) {
      const c = cs[i];
      const s = sn[i];
      const ri = i * n + k;
      const w0 = W[ri];
      const w1 = W[ri + 1];
      const w2 = W[ri + 2];
      const w3 = W[ri + 3];
      W[rm] = s * w0 + c * h0;
      W[rm + 1] = s * w1 + c * h1;
      W[rm + 2] = s * w2 + c * h2;
      W[rm + 3] = s * w3 + c * h3;
      h0 = c * w0 - s * h0;
      h1 = c * w1 - s * h1;
      h2 = c * w2 - s * h2;
      h3 = c * w3 - s * h3;
      rm = ri;
    }
    W[rm] = h0;
    W[rm + 1] = h1;
    W[rm + 2] = h2;
    W[rm + 3] = h3;
  }
  for (; k < n; k++) {
    let rm = m * n + k;
    let h0 = W[rm];
    for (let i = m - 1; i >= l; i--) {
      const ri = i * n + k;
      const w0 = W[ri];
      W[rm] = sn[i] * w0 + cs[i] * h0;
      h0 = cs[i] * w0 - sn[i] * h0;
      rm = ri;
    }
    W[rm] = h0;
  }
}

function sortAscending(d: Float64Array, W: Float64Array, n: number): SymmetricEigen {
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => d[a] - d[b]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = d[src];
    vectors.set(W.subarray(src * n, src * n + n), dst * n);
  });
  return { n, values, vectors };
}
