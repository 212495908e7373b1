/**
 * Symmetric eigendecomposition in float64: Householder tridiagonalisation (tred2) then implicit QL
 * (tql2), after EISPACK, on a flat row-major matrix. The exact reference that the whitening
 * kernels (and Newton–Schulz) are measured against; O(n³). The reduction itself runs on the calling
 * thread; forming the basis and applying the QL rotations to it (two thirds of the work at n ≥ 768)
 * are split over the float64 pool (eigh-kernels.ts), bit-identically to one thread. Where a float64
 * GEMM is installed (Node: gemm.ts), T's eigenproblem goes to divide and conquer instead of QL.
 */
import { accumulateBasisRows, applyRotationLog, type RotationLog } from './eigh-kernels';
import { currentF64Gemm } from './gemm';
import { matmul } from './matmul';
import { currentF64Pool, poolArray, poolInts, SERIAL_POOL, type F64Pool } from './parallel/pool';
import { tridiagonalEigen } from './tridiagonal-dc';

/** From this order on, with a float64 GEMM installed, T's eigenvectors come from divide and conquer (tridiagonal-dc.ts). */
export const DC_MIN_N = 128;

/** Below this order the pool's hand-off costs more than the O(n³) kernels it would split. */
export const PARALLEL_EIGH_MIN_N = 128;

export interface SymmetricEigen {
  n: number;
  /** Ascending. */
  values: Float64Array;
  /** Row j (vectors[j*n .. j*n+n)) is the unit eigenvector of values[j]. */
  vectors: Float64Array;
}

/** `a` must be symmetric; it is not modified. `pool`: the installed float64 pool by default. */
export function symmetricEigen(a: ArrayLike<number>, n: number, pool: F64Pool = currentF64Pool()): SymmetricEigen {
  if (a.length !== n * n) throw new Error(`symmetricEigen: expected ${n * n} entries, got ${a.length}`);
  if (n < PARALLEL_EIGH_MIN_N) pool = SERIAL_POOL;
  const A = poolArray(pool, n * n);
  A.set(a);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 0) return { n, values: d, vectors: A };
  // P = Qᵀ with A = Q T Qᵀ: its rows are the basis tql2 rotates, so every inner loop runs along a row.
  const W = tridiagonalize(A, d, e, n, pool);
  if (n >= DC_MIN_N && currentF64Gemm()) {
    // With a native GEMM: T = Z Λ Zᵀ by divide and conquer, whose work is products, and the
    // eigenvectors' rows Zᵀ·P as one more (docs/design.md §6)
    const t = tridiagonalEigen(d, e.subarray(1), n);
    return { n, values: t.values, vectors: matmul(t.z, W, { m: n, k: n, n, transA: true }) };
  }
  tql2(W, d, e, n, pool);
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
function tridiagonalize(A: Float64Array, d: Float64Array, e: Float64Array, n: number, pool: F64Pool): Float64Array {
  const hs = poolArray(pool, n);
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
  // on the leading i coordinates, so only rows r < i change: P[r] −= (P[r]·u / h) uᵀ — row by row
  // independent, so the rows are split over the pool (eigh-kernels.ts).
  const P = poolArray(pool, n * n);
  for (let i = 0; i < n; i++) P[i * n + i] = 1;
  if (pool.threads > 1) pool.run('basis', [A.buffer, hs.buffer, P.buffer], [n]);
  else accumulateBasisRows(A, hs, P, n, 0, 1);
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

/**
 * Implicit QL on the tridiagonal (d, e); W holds the transform TRANSPOSED (row i = column i). The
 * rotations depend only on (d, e), so each sweep's are recorded in a log that is applied to W when
 * full and at the end, column strips split over the pool (eigh-kernels.ts): the same operations on
 * every element, in the same order, as applying each sweep as it is found.
 */
function tql2(W: Float64Array, d: Float64Array, e: Float64Array, n: number, pool: F64Pool): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  const log = new SweepLog(n, pool, W);
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
        log.begin(l, m);
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
          log.record(i, c, s);
        }
        log.end();
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  log.flush();
}

/** Rotations in the log before it is applied: up to 16 MiB of (c, s), at least one sweep. */
const LOG_ROTATIONS = 1 << 20;

/** tql2's recorded sweeps (RotationLog), applied to W through the pool when the next might not fit. */
class SweepLog {
  private readonly log: RotationLog;
  private sweeps = 0;
  private used = 0;

  constructor(
    private readonly n: number,
    private readonly pool: F64Pool,
    private readonly W: Float64Array,
  ) {
    const rotations = Math.max(n, Math.min(LOG_ROTATIONS, n * n));
    const sweeps = Math.max(1, Math.min(rotations, 8 * n));
    this.log = {
      l: poolInts(pool, sweeps),
      m: poolInts(pool, sweeps),
      offset: poolInts(pool, sweeps),
      cs: poolArray(pool, rotations),
      sn: poolArray(pool, rotations),
    };
  }

  /** Starts the sweep over rows l..m (applying the log first if it might not fit). */
  begin(l: number, m: number): void {
    if (this.used + m - l > this.log.cs.length || this.sweeps === this.log.l.length) this.flush();
    this.log.l[this.sweeps] = l;
    this.log.m[this.sweeps] = m;
    this.log.offset[this.sweeps] = this.used;
  }

  /** Rotation i (m − 1 down to l) of the sweep under way. */
  record(i: number, c: number, s: number): void {
    const at = this.used + i - this.log.l[this.sweeps];
    this.log.cs[at] = c;
    this.log.sn[at] = s;
  }

  end(): void {
    this.used += this.log.m[this.sweeps] - this.log.l[this.sweeps];
    this.sweeps++;
  }

  flush(): void {
    if (this.sweeps === 0) return;
    const { log, n, W, pool } = this;
    if (pool.threads > 1)
      pool.run('rotations', [W.buffer, log.l.buffer, log.m.buffer, log.offset.buffer, log.cs.buffer, log.sn.buffer], [n, this.sweeps]);
    else applyRotationLog(W, n, log, this.sweeps, 0, 1);
    this.sweeps = 0;
    this.used = 0;
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
