/**
 * The editors' ridge step ΔW = (KᵀK + λI)⁻¹KᵀV with the raw keys K [N, dIn] and values V [N, dOut].
 * Dual form Kᵀ(KKᵀ + λI)⁻¹V solves an N×N system (UltraEdit solves dIn×dIn: 14336² on Mistral);
 * both forms are kept so each checks the other. Output ΔW is [dIn, dOut].
 */
import { solveSpd } from './cholesky';
import { matmul } from './matmul';
import { gram, scatterUpdate } from './syrk';

export type RidgeForm = 'dual' | 'primal';

export interface RidgeShape {
  rows: number;
  dIn: number;
  dOut: number;
}

function addRidge(a: Float64Array, n: number, lambda: number): Float64Array {
  for (let i = 0; i < n; i++) a[i * n + i] += lambda;
  return a;
}

export function ridgeSolveDual(k: ArrayLike<number>, v: ArrayLike<number>, s: RidgeShape, lambda: number): Float64Array {
  const { rows, dIn, dOut } = s;
  const x = solveSpd(addRidge(gram(k, rows, dIn), rows, lambda), v, rows, dOut);
  return matmul(k, x, { m: dIn, k: rows, n: dOut, transA: true });
}

export function ridgeSolvePrimal(k: ArrayLike<number>, v: ArrayLike<number>, s: RidgeShape, lambda: number): Float64Array {
  const { rows, dIn, dOut } = s;
  const a = addRidge(scatterUpdate(new Float64Array(dIn * dIn), k, rows, dIn), dIn, lambda);
  const ktv = matmul(k, v, { m: dIn, k: rows, n: dOut, transA: true });
  return solveSpd(a, ktv, dIn, dOut);
}

/** The cheaper form: dual when N < dIn. */
export function preferredRidgeForm(s: RidgeShape): RidgeForm {
  return s.rows < s.dIn ? 'dual' : 'primal';
}

export function ridgeSolve(
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  s: RidgeShape,
  lambda: number,
  form: RidgeForm = preferredRidgeForm(s),
): Float64Array {
  if (s.rows === 0) return new Float64Array(s.dIn * s.dOut);
  return form === 'dual' ? ridgeSolveDual(k, v, s, lambda) : ridgeSolvePrimal(k, v, s, lambda);
}

/**
 * (KᵀK + λI)⁻¹ B for B [dIn, m]: the adjoint of the ridge solve (what ∂L/∂V and ∂L/∂λ of a loss on
 * ΔW need, editors/hypernet/rledit-edit.ts). Dual form by Woodbury: (B − Kᵀ(KKᵀ + λI)⁻¹K B)/λ.
 */
export function ridgeSystemSolve(
  k: ArrayLike<number>,
  b: ArrayLike<number>,
  s: { rows: number; dIn: number },
  lambda: number,
  m: number,
  form: RidgeForm = preferredRidgeForm({ ...s, dOut: m }),
): Float64Array {
  const { rows, dIn } = s;
  if (form === 'primal' || rows === 0) {
    const a = addRidge(scatterUpdate(new Float64Array(dIn * dIn), k, rows, dIn), dIn, lambda);
    return solveSpd(a, b, dIn, m);
  }
  const kb = matmul(k, b, { m: rows, k: dIn, n: m });
  const inner = solveSpd(addRidge(gram(k, rows, dIn), rows, lambda), kb, rows, m);
  const back = matmul(k, inner, { m: dIn, k: rows, n: m, transA: true });
  const out = new Float64Array(dIn * m);
  for (let i = 0; i < out.length; i++) out[i] = (b[i] - back[i]) / lambda;
  return out;
}
