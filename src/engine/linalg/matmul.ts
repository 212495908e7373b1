/**
 * C = op(A) · op(B) in float64, flat row-major. The CPU twin of shaders/matmul.wgsl and the CPU
 * backend's matmul. op(X) = X or Xᵀ; with transA the stored A is [k, m], with transB B is [n, k].
 */
export type Real = Float32Array | Float64Array;

export interface MatmulShape {
  m: number;
  k: number;
  n: number;
  transA?: boolean;
  transB?: boolean;
}

export function matmul(a: ArrayLike<number>, b: ArrayLike<number>, s: MatmulShape, out?: Float64Array): Float64Array {
  const { m, k, n } = s;
  const c = out ?? new Float64Array(m * n);
  c.fill(0);
  // i-p-j loop order keeps the inner loop streaming over contiguous rows of B and C.
  for (let i = 0; i < m; i++) {
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
  return c;
}
