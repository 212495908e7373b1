/**
 * RLEdit's edit of one module and its backward (docs/design.md §8; the reference's
 * `predict_param_shifts` and `update_hypernet` in editor/rledit.py):
 *
 *   (k̃, g̃) = net(K, G)                        the turn's stacked raw keys K [N, dIn], value gradients G
 *   c_i    = −lr[m]·⟨K_i, k̃_i⟩                 coefficients (raw keys against pseudo keys)
 *   V_i    = c_i·g̃_i
 *   ΔW     = (KᵀK + e^λ[m] I)⁻¹ KᵀV             [dIn, dOut]
 *
 * Given ∂L/∂ΔW (the meta-loss's gradient at the edited weights), with Y = (KᵀK + e^λ I)⁻¹ ∂L/∂ΔW:
 * ∂L/∂V = K·Y and ∂L/∂λ = −e^λ·Σ Y∘ΔW (the implicit solve's derivative, as the reference writes it),
 * then back through the coefficients into the network.
 */
import type { RunningMoments } from '../../linalg/chan';
import { ridgeSolve, ridgeSystemSolve, type RidgeForm } from '../../linalg/ridge';
import { matmul } from '../../linalg/matmul';
import { netBackward, netForward, normalizeRows, shapeSize, type NetTape, type RLEditParams, type RLEditShape } from './rledit-net';

export interface RLEditPrediction {
  tape: NetTape;
  /** ⟨K_i, k̃_i⟩ [N] */
  kdot: Float64Array;
  /** c_i [N] */
  coeff: Float64Array;
  /** V [N, dOut] */
  values: Float64Array;
  /** e^λ[m] */
  ridge: number;
  /** ΔW [dIn, dOut] */
  shift: Float64Array;
  form: RidgeForm;
}

export function predictShift(
  p: RLEditParams,
  s: RLEditShape,
  norm: RunningMoments,
  keys: ArrayLike<number>,
  grads: ArrayLike<number>,
  N: number,
  m: number,
  form?: RidgeForm,
  products?: Float64Array[],
): RLEditPrediction {
  const S = shapeSize(s);
  const { dIn, dOut } = s;
  const tape = netForward(p, s, normalizeRows(norm, s, keys, grads, N), N, m, products);
  const kdot = new Float64Array(N);
  const coeff = new Float64Array(N);
  const values = new Float64Array(N * dOut);
  for (let i = 0; i < N; i++) {
    let dot = 0;
    for (let j = 0; j < dIn; j++) dot += keys[i * dIn + j] * tape.out[i * S + j];
    kdot[i] = dot;
    coeff[i] = -p.lr[m] * dot;
    for (let j = 0; j < dOut; j++) values[i * dOut + j] = coeff[i] * tape.out[i * S + dIn + j];
  }
  const ridge = Math.exp(p.lamda[m]);
  const shape = { rows: N, dIn, dOut };
  const f = form ?? (N < dIn ? 'dual' : 'primal');
  return { tape, kdot, coeff, values, ridge, shift: ridgeSolve(keys, values, shape, ridge, f), form: f };
}

/** Adds ∂L/∂θ of this module's edit into `grads`, given ∂L/∂ΔW [dIn, dOut]. */
export function shiftBackward(
  p: RLEditParams,
  s: RLEditShape,
  pred: RLEditPrediction,
  keys: ArrayLike<number>,
  gradShift: ArrayLike<number>,
  grads: RLEditParams,
): void {
  const { dIn, dOut } = s;
  const S = shapeSize(s);
  const N = pred.tape.rows;
  const m = pred.tape.module;
  const y = ridgeSystemSolve(keys, gradShift, { rows: N, dIn }, pred.ridge, dOut, pred.form);
  let yw = 0;
  for (let i = 0; i < y.length; i++) yw += y[i] * pred.shift[i];
  grads.lamda[m] += -pred.ridge * yw;
  const dV = matmul(keys, y, { m: N, k: dIn, n: dOut });
  const dOutRows = new Float64Array(N * S);
  for (let i = 0; i < N; i++) {
    let dc = 0;
    for (let j = 0; j < dOut; j++) {
      dc += dV[i * dOut + j] * pred.tape.out[i * S + dIn + j];
      dOutRows[i * S + dIn + j] = pred.coeff[i] * dV[i * dOut + j];
    }
    grads.lr[m] += -dc * pred.kdot[i];
    const dk = -p.lr[m] * dc;
    for (let j = 0; j < dIn; j++) dOutRows[i * S + j] = dk * keys[i * dIn + j];
  }
  netBackward(p, s, pred.tape, dOutRows, grads);
}
