/**
 * C = op(A) · op(B) in float64, flat row-major. The CPU twin of shaders/matmul.wgsl and the CPU
 * backend's matmul. op(X) = X or Xᵀ; with transA the stored A is [k, m], with transB B is [n, k].
 * Large products go to the installed float64 GEMM provider where there is one (gemm.ts: Node's
 * onnxruntime MatMul in double), else they are split by output rows over the float64 pool
 * (parallel/pool.ts): a row of C is the same sum in the same order whichever thread computes it.
 */
import { asFloat64, gemmFor } from './gemm';
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
  const native = gemmFor(s);
  if (native) {
    const c = native.gemm(asFloat64(a), asFloat64(b), s);
    if (!out) return c;
    out.set(c);
    return out;
  }
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

/**
 * Rows [m·part/parts, m·(part+1)/parts) of C, zeroed then accumulated, four rows of C at a time so
 * each element of B loaded feeds four multiply-adds (≈ 2× the one-row loop in V8). Every C[i][j] is
 * still 0 + Σ_p A[i][p]·B[p][j] summed in order of p, so the blocking changes no bit (for finite
 * inputs: a zero A[i][p] adds +0 where the one-row loop skipped it).
 */
export function matmulRows(a: ArrayLike<number>, b: ArrayLike<number>, s: MatmulShape, c: Float64Array, part: number, parts: number): void {
  const { m, k, n } = s;
  const i0 = Math.floor((m * part) / parts);
  const i1 = Math.floor((m * (part + 1)) / parts);
  c.fill(0, i0 * n, i1 * n);
  // A[i][p] = a[i·si + p·sp] whether or not A is stored transposed (strides, not a closure: V8 keeps it monomorphic)
  const si = s.transA ? 1 : k;
  const sp = s.transA ? m : 1;
  let i = i0;
  if (s.transB) {
    // C[i][j] = A[i]·B[j] (B stored [n, k]): four dot products share each load of B's row j
    for (; i + 3 < i1; i += 4) {
      for (let j = 0; j < n; j++) {
        const bj = j * k;
        let s0 = 0,
          s1 = 0,
          s2 = 0,
          s3 = 0;
        const r0 = i * si;
        for (let p = 0; p < k; p++) {
          const bv = b[bj + p];
          const q = r0 + p * sp;
          s0 += a[q] * bv;
          s1 += a[q + si] * bv;
          s2 += a[q + 2 * si] * bv;
          s3 += a[q + 3 * si] * bv;
        }
        c[i * n + j] = s0;
        c[(i + 1) * n + j] = s1;
        c[(i + 2) * n + j] = s2;
        c[(i + 3) * n + j] = s3;
      }
    }
  } else {
    // i-p-j order: the inner loop streams over contiguous rows of B and of four rows of C
    for (; i + 3 < i1; i += 4) {
      const c0 = i * n,
        c1 = c0 + n,
        c2 = c1 + n,
        c3 = c2 + n;
      const r0 = i * si;
      for (let p = 0; p < k; p++) {
        const q = r0 + p * sp;
        const a0 = a[q],
          a1 = a[q + si],
          a2 = a[q + 2 * si],
          a3 = a[q + 3 * si];
        if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
        const bp = p * n;
        for (let j = 0; j < n; j++) {
          const bv = b[bp + j];
          c[c0 + j] += a0 * bv;
          c[c1 + j] += a1 * bv;
          c[c2 + j] += a2 * bv;
          c[c3 + j] += a3 * bv;
        }
      }
    }
  }
  // the last rows of the part one at a time
  for (; i < i1; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[i * si + p * sp];
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
