/**
 * The O(n³) parts of the float64 eigendecomposition (eigh.ts) that split across threads without a
 * barrier: each output row (basis) or column (QL rotations) depends only on itself and on data fixed
 * before the kernel starts, and is computed by the same operations in the same order whatever the
 * part count, so any split gives bit-identical results (parallel/pool.ts).
 */

/** Rows of P in blocks of 4; block b belongs to part b mod parts (rows r < i change at step i, so low rows cost most). */
const BASIS_BLOCK = 4;

/**
 * P = H_2 ⋯ H_{n−1} row by row (P starts as the identity, u_i = A[i][0..i), h_i = hs[i]): row r
 * applies every reflector with i > r in order, P[r] −= (P[r]·u_i / h_i) u_iᵀ. Four rows at a time
 * share each load of u_i (four independent dot chains instead of one latency-bound chain); a row's
 * arithmetic is the same whether it runs in a block of four or alone.
 */
export function accumulateBasisRows(A: Float64Array, hs: Float64Array, P: Float64Array, n: number, part: number, parts: number): void {
  for (let b = part; b * BASIS_BLOCK < n; b += parts) {
    const r = b * BASIS_BLOCK;
    const rows = Math.min(BASIS_BLOCK, n - r);
    for (let i = Math.max(2, r + 1); i < n; i++) {
      const h = hs[i];
      if (h === 0) continue;
      const ri = i * n;
      if (rows === 4 && r + 4 <= i) {
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
      } else {
        for (let q = r; q < Math.min(r + rows, i); q++) {
          const rr = q * n;
          let v = 0;
          for (let k = 0; k < i; k++) v += P[rr + k] * A[ri + k];
          v /= h;
          for (let k = 0; k < i; k++) P[rr + k] -= v * A[ri + k];
        }
      }
    }
  }
}

/** Columns per strip of applyRotationLog. */
const STRIP = 8;

/** QL sweeps recorded for later application: sweep s rotates rows l[s]..m[s], its rotation i at offset[s] + i − l[s]. */
export interface RotationLog {
  l: Int32Array;
  m: Int32Array;
  offset: Int32Array;
  cs: Float64Array;
  sn: Float64Array;
}

/**
 * The first `sweeps` recorded sweeps applied, in order, to W's rows: rotation i (i = m−1 down to l)
 * mixes rows i and i+1 as [W_{i+1}; W_i] ← [s·W_i + c·W_{i+1}; c·W_i − s·W_{i+1}]. Columns are
 * independent, so part p takes a contiguous range of 8-column strips (one 64-byte line of each row)
 * and applies every sweep to it: the strip's rows l..m stay in cache across sweeps, the running row
 * i+1 in locals.
 */
export function applyRotationLog(W: Float64Array, n: number, log: RotationLog, sweeps: number, part: number, parts: number): void {
  const strips = Math.ceil(n / STRIP);
  const k0 = Math.floor((strips * part) / parts) * STRIP;
  const k1 = Math.min(n, Math.floor((strips * (part + 1)) / parts) * STRIP);
  const { cs, sn } = log;
  let k = k0;
  for (; k + STRIP <= k1; k += STRIP)
    for (let s = 0; s < sweeps; s++) {
      const l = log.l[s];
      const m = log.m[s];
      const o = log.offset[s] - l;
      let rm = m * n + k;
      let h0 = W[rm];
      let h1 = W[rm + 1];
      let h2 = W[rm + 2];
      let h3 = W[rm + 3];
      let h4 = W[rm + 4];
      let h5 = W[rm + 5];
      let h6 = W[rm + 6];
      let h7 = W[rm + 7];
      for (let i = m - 1; i >= l; i--) {
        const c = cs[o + i];
        const si = sn[o + i];
        const ri = i * n + k;
        const w0 = W[ri];
        const w1 = W[ri + 1];
        const w2 = W[ri + 2];
        const w3 = W[ri + 3];
        const w4 = W[ri + 4];
        const w5 = W[ri + 5];
        const w6 = W[ri + 6];
        const w7 = W[ri + 7];
        W[rm] = si * w0 + c * h0;
        W[rm + 1] = si * w1 + c * h1;
        W[rm + 2] = si * w2 + c * h2;
        W[rm + 3] = si * w3 + c * h3;
        W[rm + 4] = si * w4 + c * h4;
        W[rm + 5] = si * w5 + c * h5;
        W[rm + 6] = si * w6 + c * h6;
        W[rm + 7] = si * w7 + c * h7;
        h0 = c * w0 - si * h0;
        h1 = c * w1 - si * h1;
        h2 = c * w2 - si * h2;
        h3 = c * w3 - si * h3;
        h4 = c * w4 - si * h4;
        h5 = c * w5 - si * h5;
        h6 = c * w6 - si * h6;
        h7 = c * w7 - si * h7;
        rm = ri;
      }
      W[rm] = h0;
      W[rm + 1] = h1;
      W[rm + 2] = h2;
      W[rm + 3] = h3;
      W[rm + 4] = h4;
      W[rm + 5] = h5;
      W[rm + 6] = h6;
      W[rm + 7] = h7;
    }
  for (; k < k1; k++)
    for (let s = 0; s < sweeps; s++) {
      const l = log.l[s];
      const o = log.offset[s] - l;
      let rm = log.m[s] * n + k;
      let h0 = W[rm];
      for (let i = log.m[s] - 1; i >= l; i--) {
        const ri = i * n + k;
        const w0 = W[ri];
        W[rm] = sn[o + i] * w0 + cs[o + i] * h0;
        h0 = cs[o + i] * w0 - sn[o + i] * h0;
        rm = ri;
      }
      W[rm] = h0;
    }
}
