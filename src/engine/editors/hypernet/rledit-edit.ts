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

export interface RLEditPrediction extends ValueRows {
  tape: NetTape;
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
  const tape = netForward(p, s, normalizeRows(norm, s, keys, grads, N), N, m, products);
  const rows = emptyValueRows(N, s.dOut);
  valueRows(p, s, tape.out, keys, 0, N, m, rows);
  const solved = solveShift(p, s, keys, rows.values, N, m, form);
  return { tape, ...rows, ...solved };
}

/** The rows' coefficients and value differences, as the prediction carries them. */
export interface ValueRows {
  /** ⟨K_i, k̃_i⟩ [N] */
  kdot: Float64Array;
  /** c_i [N] */
  coeff: Float64Array;
  /** V [N, dOut] */
  values: Float64Array;
}

export function emptyValueRows(N: number, dOut: number): ValueRows {
  return { kdot: new Float64Array(N), coeff: new Float64Array(N), values: new Float64Array(N * dOut) };
}

/** c_i = −lr[m]·⟨K_i, k̃_i⟩ and V_i = c_i·g̃_i of the network's output rows `out` [n, S], written at rows r0… of `into`. */
export function valueRows(
  p: RLEditParams,
  s: RLEditShape,
  out: Float64Array,
  keys: ArrayLike<number>,
  r0: number,
  n: number,
  m: number,
  into: ValueRows,
): void {
  const S = shapeSize(s);
  const { dIn, dOut } = s;
  for (let i = 0; i < n; i++) {
    const r = r0 + i;
    let dot = 0;
    for (let j = 0; j < dIn; j++) dot += keys[r * dIn + j] * out[i * S + j];
    into.kdot[r] = dot;
    into.coeff[r] = -p.lr[m] * dot;
    for (let j = 0; j < dOut; j++) into.values[r * dOut + j] = into.coeff[r] * out[i * S + dIn + j];
  }
}

/** ΔW = (KᵀK + e^λ[m] I)⁻¹ KᵀV, in the dual form where N < dIn unless `form` says. */
export function solveShift(
  p: RLEditParams,
  s: RLEditShape,
  keys: ArrayLike<number>,
  values: Float64Array,
  N: number,
  m: number,
  form?: RidgeForm,
): { ridge: number; shift: Float64Array; form: RidgeForm } {
  const ridge = Math.exp(p.lamda[m]);
  const f = form ?? (N < s.dIn ? 'dual' : 'primal');
  return { ridge, shift: ridgeSolve(keys, values, { rows: N, dIn: s.dIn, dOut: s.dOut }, ridge, f), form: f };
}

/**
 * The solve's backward: adds ∂L/∂λ[m] = −e^λ·Σ Y∘ΔW into `grads` and returns ∂L/∂V = K·Y [N, dOut],
 * Y = (KᵀK + e^λ I)⁻¹ ∂L/∂ΔW.
 */
export function solveBackward(
  s: RLEditShape,
  solved: { ridge: number; shift: Float64Array; form: RidgeForm },
  keys: ArrayLike<number>,
  N: number,
  m: number,
  gradShift: ArrayLike<number>,
  grads: RLEditParams,
): Float64Array {
  const y = ridgeSystemSolve(keys, gradShift, { rows: N, dIn: s.dIn }, solved.ridge, s.dOut, solved.form);
  let yw = 0;
  for (let i = 0; i < y.length; i++) yw += y[i] * solved.shift[i];
  grads.lamda[m] += -solved.ridge * yw;
  return matmul(keys, y, { m: N, k: s.dIn, n: s.dOut });
}

/**
 * Back through the coefficients of rows r0…r0+n: adds ∂L/∂lr[m] into `grads` and returns ∂L/∂(the
 * network's output rows) [n, S] given ∂L/∂V.
 */
export function valueRowsBackward(
  p: RLEditParams,
  s: RLEditShape,
  out: Float64Array,
  rows: ValueRows,
  keys: ArrayLike<number>,
  dV: Float64Array,
  r0: number,
  n: number,
  m: number,
  grads: RLEditParams,
): Float64Array {
  const { dIn, dOut } = s;
  const S = shapeSize(s);
  const dOutRows = new Float64Array(n * S);
  for (let i = 0; i < n; i++) {
    const r = r0 + i;
    let dc = 0;
    for (let j = 0; j < dOut; j++) {
      dc += dV[r * dOut + j] * out[i * S + dIn + j];
      dOutRows[i * S + dIn + j] = rows.coeff[r] * dV[r * dOut + j];
    }
    grads.lr[m] += -dc * rows.kdot[r];
    const dk = -p.lr[m] * dc;
    for (let j = 0; j < dIn; j++) dOutRows[i * S + j] = dk * keys[r * dIn + j];
  }
  return dOutRows;
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
  const N = pred.tape.rows;
  const m = pred.tape.module;
  const dV = solveBackward(s, pred, keys, N, m, gradShift, grads);
  netBackward(p, s, pred.tape, valueRowsBackward(p, s, pred.tape.out, pred, keys, dV, 0, N, m, grads), grads);
}
