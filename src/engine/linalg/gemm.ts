/**
 * A float64 GEMM provider for the editor math's large products (docs/design.md §6): where one is
 * installed (Node: onnxruntime-node's MatMul in double, native-gemm.ts), `matmul` hands it every
 * product of at least GEMM_MIN_WORK multiply-adds; everything else, and every product where none is
 * installed (the browser, the tests by default), runs the JS kernels of matmul.ts. A provider is
 * synchronous, as the float64 editor is. Its sums run in another order than the JS loops, so its
 * results agree with them to float64 rounding (≈ 1e-15 relative), not bit for bit.
 */
import type { MatmulShape } from './matmul';

export interface F64Gemm {
  /** What runs the products, for logs and the bench's notes (e.g. "onnxruntime-node MatMul, 2 threads"). */
  readonly label: string;
  /** op(A)·op(B), flat row-major, as matmul (transA: A stored [k, m]; transB: B stored [n, k]). */
  gemm(a: Float64Array, b: Float64Array, s: MatmulShape): Float64Array;
  close(): void;
}

/**
 * Multiply-adds from which a native product beats the JS loops: the call copies its operands into
 * the runtime and its result back (≈ 4·(mk + kn + mn) bytes moved against m·k·n FMAs), so small
 * products stay in JS (measured crossover ≈ 1M FMAs at 64×128×128 on this machine's 2 cores).
 */
export const GEMM_MIN_WORK = 1 << 21;

let installed: F64Gemm | null = null;

/** Makes `g` the provider (closing the previous one); null goes back to the JS kernels. */
export function installF64Gemm(g: F64Gemm | null): void {
  if (installed && installed !== g) installed.close();
  installed = g;
}

export function currentF64Gemm(): F64Gemm | null {
  return installed;
}

/** The installed provider when the product is large enough to be worth it, else null. */
export function gemmFor(s: MatmulShape): F64Gemm | null {
  return installed && s.m * s.k * s.n >= GEMM_MIN_WORK ? installed : null;
}

/** A Float64Array view of `x` without a copy where it already is one. */
export function asFloat64(x: ArrayLike<number>): Float64Array {
  return x instanceof Float64Array ? x : Float64Array.from(x);
}
