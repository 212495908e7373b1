/**
 * FLOPs of the editor math of one turn, from the operation counts of the algorithms as coded in
 * src/engine/linalg and editors (one multiply-add = 2):
 * - statistics, per (sub-batch of r rows, module): column moments of z = [k | g] ≈ 3·r·(dIn+dOut);
 *   StableEdit's scatter adds the upper-triangle SYRK r·dOut² and the rank-one merge 2·dOut².
 * - whitening (full Σ, once per shape): tred2 + tql2 with vectors ≈ 9·d³ (Golub & Van Loan's
 *   symmetric-QR count) plus Σ^{-1/2} = U·diag·Uᵀ 2·d³; a diagonal plan is O(d), counted 0.
 * - normalize + values: 2·N·dIn (keys) + 2·N·dOut² (full whitening) or 2·N·dOut, + 2·N·dIn + N·dOut.
 * - dual solve: Gram N²·dIn (one triangle), Cholesky N³/3, two triangular solves 2·N²·dOut, Kᵀ·X 2·N·dIn·dOut.
 * - primal solve: KᵀK dIn²·N (one triangle), KᵀV 2·N·dIn·dOut, Cholesky dIn³/3, solves 2·dIn²·dOut.
 * - apply: dIn·dOut.
 */
import type { RidgeForm } from '../../src/engine/linalg/ridge';

export interface EditorFlopInput {
  editor: string;
  dIn: number;
  dOut: number;
  /** Rows of each sub-batch for this module, in order. */
  subBatchRows: number[];
  /** Σ used by the plan (null: no statistics). */
  sigma: 'full' | 'diagonal' | null;
  /** Whitening is charged once per weight shape: true for the first module of its shape. */
  chargesWhitening: boolean;
  solve: RidgeForm | 'gradient' | null;
}

export interface EditorFlops {
  stats: number;
  whitening: number;
  solve: number;
  apply: number;
}

export function ridgeFlops(form: RidgeForm, N: number, dIn: number, dOut: number): number {
  return form === 'dual'
    ? N * N * dIn + (N * N * N) / 3 + 2 * N * N * dOut + 2 * N * dIn * dOut
    : dIn * dIn * N + 2 * N * dIn * dOut + (dIn * dIn * dIn) / 3 + 2 * dIn * dIn * dOut;
}

export function editorFlops(m: EditorFlopInput): EditorFlops {
  const { dIn, dOut } = m;
  const N = m.subBatchRows.reduce((a, b) => a + b, 0);
  const scatter = m.editor.startsWith('stableedit');
  let stats = 0;
  if (m.sigma !== null) for (const r of m.subBatchRows) stats += 3 * r * (dIn + dOut) + (scatter ? r * dOut * dOut + 2 * dOut * dOut : 0);
  const whitening = m.sigma === 'full' && m.chargesWhitening ? 11 * dOut ** 3 : 0;
  let solve = 0;
  if (m.solve === 'gradient') solve = 2 * N * dIn * dOut;
  else if (m.solve) {
    const normalize = m.sigma === null ? 0 : 2 * N * dIn + (m.sigma === 'full' ? 2 * N * dOut * dOut : 2 * N * dOut);
    solve = normalize + 2 * N * dIn + N * dOut + ridgeFlops(m.solve, N, dIn, dOut);
  }
  return { stats, whitening, solve, apply: m.solve ? dIn * dOut : 0 };
}
