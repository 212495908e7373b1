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
