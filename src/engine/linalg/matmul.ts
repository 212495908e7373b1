/**
 * C = op(A) · op(B) in float64, flat row-major. The CPU twin of shaders/matmul.wgsl and the CPU
 * backend's matmul. op(X) = X or Xᵀ; with transA the stored A is [k, m], with transB B is [n, k].
 * Large products are split by output rows over the float64 pool (parallel/pool.ts): a row of C is
 * the same sum in the same order whichever thread computes it.
 */
import { currentF64Pool, poolArray, type F64Pool } from './parallel/pool';

export type Real = Float32Array | Float64Array;

export interface MatmulShape {
  m: number;
  k: number;
  n: number;
  transA?: boolean;
  transB?: boolean;
}

/** Multiply-adds below which copying the operands to shared memory and waking workers costs more than it saves. */
export const PARALLEL_MATMUL_MIN_WORK = 1 << 22;

export function matmul(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  s: MatmulShape,
  out?: Float64Array,
  pool: F64Pool = currentF64Pool(),
): Float64Array {
  const { m, k, n } = s;
  if (pool.threads === 1 || m < 2 || m * k * n < PARALLEL_MATMUL_MIN_WORK) {
    const c = out ?? new Float64Array(m * n);
    matmulRows(a, b, s, c, 0, 1);
    return c;
  }
  const sa = poolArray(pool, m * k);
  const sb = poolArray(pool, k * n);
  const sc = poolArray(pool, m * n);
  sa.set(a);
  sb.set(b);
  pool.run('matmul', [sa.buffer, sb.buffer, sc.buffer], [m, k, n, s.transA ? 1 : 0, s.transB ? 1 : 0]);
  const c = out ?? new Float64Array(m * n);
  c.set(sc);
  return c;
}

/** Rows [m·part/parts, m·(part+1)/parts) of C, zeroed then accumulated. */
export function matmulRows(a: ArrayLike<number>, b: ArrayLike<number>, s: MatmulShape, c: Float64Array, part: number, parts: number): void {
  const { m, k, n } = s;
  const i0 = Math.floor((m * part) / parts);
  const i1 = Math.floor((m * (part + 1)) / parts);
  c.fill(0, i0 * n, i1 * n);
  // i-p-j loop order keeps the inner loop streaming over contiguous rows of B and C.
  for (let i = i0; i < i1; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const aip = s.transA ? a[p * m + i] : a[i * k + p];
      if (aip === 0) continue;
      if (s.transB) {
        for (let j = 0; j < n; j++) c[ci + j] += aip * b[j * k + p];
      } else {
        const bp = p * n;
        for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
      }
    }
  }
}
