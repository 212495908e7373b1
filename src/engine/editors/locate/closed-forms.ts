/**
 * The closed forms of the locate-then-edit editors in float64 (docs/design.md §7), with keys and
 * residuals as rows: K [N, dIn] (one averaged key per edit), R [N, dOut] (the share of the target
 * residual this layer takes), ΔW [dIn, dOut] (output change k·ΔW, the lab's layout).
 *
 * - MEMIT (memit_main.py): adj_k = (λ·C + KᵀK)⁻¹Kᵀ, ΔW = adj_k·R — the reference's
 *   `resid @ solve(λ·cov + K Kᵀ, K)ᵀ` transposed into our layout.
 * - AlphaEdit (AlphaEdit_main.py): ΔW = (P(KᵀK + C_prev) + λ₂I)⁻¹ P KᵀR with P the null-space
 *   projector of the corpus keys' second moment and C_prev the second moment of the keys of every
 *   earlier edit (the reference's `cache_c`), solved as a general system (it is not symmetric).
 */
import { symmetricEigen } from '../../linalg/eigh';
import { solveGeneral } from '../../linalg/lu';
import { matmul } from '../../linalg/matmul';
import { scatterUpdate } from '../../linalg/syrk';

export interface LayerRows {
  /** [N, dIn]. */
  keys: ArrayLike<number>;
  /** [N, dOut]. */
  resid: ArrayLike<number>;
  rows: number;
  dIn: number;
  dOut: number;
}

/** ΔW = (λ·C + KᵀK)⁻¹KᵀR; C [dIn, dIn] symmetric positive semi-definite, λ the reference's mom2_update_weight. */
export function memitDelta(x: LayerRows, cov: ArrayLike<number>, lambda: number): Float64Array {
  const { keys, resid, rows, dIn, dOut } = x;
  const a = new Float64Array(dIn * dIn);
  for (let i = 0; i < a.length; i++) a[i] = lambda * cov[i];
  scatterUpdate(a, keys, rows, dIn);
  const ktr = matmul(keys, resid, { m: dIn, k: rows, n: dOut, transA: true });
  // torch.linalg.solve is an LU solve: a rank-deficient corpus C still works while λC + KᵀK is invertible.
  return solveGeneral(a, ktr, dIn, dOut);
}

/**
 * P = U_s U_sᵀ over the eigenvectors of C whose singular value (|eigenvalue|: C is symmetric, so its
 * SVD's singular values are the eigenvalues' magnitudes) is below `threshold` — the reference's
 * get_project with `nullspace_threshold`, an absolute bound on C's scale.
 */
export function nullSpaceProjector(cov: ArrayLike<number>, d: number, threshold: number): { projector: Float64Array; rank: number } {
  const eig = symmetricEigen(cov, d);
  const p = new Float64Array(d * d);
  let rank = 0;
  for (let j = 0; j < d; j++) {
    if (!(Math.abs(eig.values[j]) < threshold)) continue;
    rank++;
    const u = eig.vectors.subarray(j * d, (j + 1) * d);
    for (let r = 0; r < d; r++) {
      const ur = u[r];
      if (ur === 0) continue;
      for (let c = 0; c < d; c++) p[r * d + c] += ur * u[c];
    }
  }
  return { projector: p, rank };
}

/** ΔW = (P(KᵀK + C_prev) + λ₂I)⁻¹ P KᵀR; P and C_prev [dIn, dIn]. */
export function alphaEditDelta(x: LayerRows, projector: ArrayLike<number>, previous: ArrayLike<number>, l2: number): Float64Array {
  const { keys, resid, rows, dIn, dOut } = x;
  const m = Float64Array.from(previous);
  scatterUpdate(m, keys, rows, dIn);
  const a = matmul(projector, m, { m: dIn, k: dIn, n: dIn });
  for (let i = 0; i < dIn; i++) a[i * dIn + i] += l2;
  const ktr = matmul(keys, resid, { m: dIn, k: rows, n: dOut, transA: true });
  return solveGeneral(a, matmul(projector, ktr, { m: dIn, k: dIn, n: dOut }), dIn, dOut);
}

/** C_prev += KᵀK: AlphaEdit's `cache_c[i] += K Kᵀ` after a batch, with the keys recomputed on the edited model. */
export function accumulateKeys(previous: Float64Array, keys: ArrayLike<number>, rows: number, dIn: number): void {
  scatterUpdate(previous, keys, rows, dIn);
}
