/**
 * MALMEN's edit of one module and its backward, as the StableEdit repository's editor/malmen.py
 * writes it (docs/design.md §8): RLEdit's network (nets.py RLEditNet, rledit-net.ts) and RLEdit's
 * least-squares aggregation of the whole batch's value differences (rledit-edit.ts),
 *
 *   c_i = −lr[m]·⟨K_i, k̃_i⟩,  V_i = c_i·g̃_i,  ΔW = (KᵀK + e^λ[m] I)⁻¹ KᵀV,
 *
 * with MALMEN's memory economy: the network runs on `batchSize` rows at a time (the reference's
 * editor.batch_size, 128) and keeps no tape. Back-propagation is split in two stages: the model's
 * pass gives ∂L/∂ΔW (the meta-loss's gradient at the edited weights), the solve's backward turns it
 * into ∂L/∂V and ∂L/∂λ for the whole batch, and then each chunk's network forward is run again with
 * its tape and back-propagated on its own (update_hypernet), so at most `batchSize` rows of
 * activations are alive at once. The network is row-wise, so the chunking changes no value; the
 * reference's zero padding of the last chunk (pad_tensor) only adds rows it then drops, and is left out.
 */
import type { RunningMoments } from '../../linalg/chan';
import type { RidgeForm } from '../../linalg/ridge';
import { emptyValueRows, solveBackward, solveShift, valueRows, valueRowsBackward, type ValueRows } from './rledit-edit';
import { netBackward, netForward, normalizeRows, type RLEditParams, type RLEditShape } from './rledit-net';

export interface MalmenPrediction extends ValueRows {
  module: number;
  rows: number;
  batchSize: number;
  /** e^λ[m] */
  ridge: number;
  /** ΔW [dIn, dOut] */
  shift: Float64Array;
  form: RidgeForm;
}

/** Rows [r0, r0+n) of the turn through the network, with its tape. */
function chunkForward(
  p: RLEditParams,
  s: RLEditShape,
  norm: RunningMoments,
  keys: ArrayLike<number>,
  grads: ArrayLike<number>,
  r0: number,
  n: number,
  m: number,
  products?: Float64Array[],
) {
  const rowsOf = (x: ArrayLike<number>, d: number) => Float64Array.from({ length: n * d }, (_, q) => x[r0 * d + q]);
  const k = rowsOf(keys, s.dIn);
  const g = rowsOf(grads, s.dOut);
  return netForward(p, s, normalizeRows(norm, s, k, g, n), n, m, products);
}

/** Stage one (predict_param_shifts): ΔW of the N stacked raw rows K [N, dIn], G [N, dOut]. */
export function predictMalmenShift(
  p: RLEditParams,
  s: RLEditShape,
  norm: RunningMoments,
  keys: ArrayLike<number>,
  grads: ArrayLike<number>,
  N: number,
  m: number,
  batchSize: number,
  form?: RidgeForm,
  products?: Float64Array[],
): MalmenPrediction {
  const rows = emptyValueRows(N, s.dOut);
  for (let r0 = 0; r0 < N; r0 += batchSize) {
    const n = Math.min(batchSize, N - r0);
    valueRows(p, s, chunkForward(p, s, norm, keys, grads, r0, n, m, products).out, keys, r0, n, m, rows);
  }
  return { module: m, rows: N, batchSize, ...rows, ...solveShift(p, s, keys, rows.values, N, m, form) };
}

/**
 * Stage two (update_hypernet): adds ∂L/∂θ of this module's edit into `out`, given ∂L/∂ΔW [dIn, dOut];
 * the normalizer must be the one the prediction used (nothing merges between the two stages).
 */
export function malmenBackward(
  p: RLEditParams,
  s: RLEditShape,
  norm: RunningMoments,
  pred: MalmenPrediction,
  keys: ArrayLike<number>,
  grads: ArrayLike<number>,
  gradShift: ArrayLike<number>,
  out: RLEditParams,
): void {
  const { rows: N, module: m, batchSize } = pred;
  const dV = solveBackward(s, pred, keys, N, m, gradShift, out);
  for (let r0 = 0; r0 < N; r0 += batchSize) {
    const n = Math.min(batchSize, N - r0);
    const tape = chunkForward(p, s, norm, keys, grads, r0, n, m);
    netBackward(p, s, tape, valueRowsBackward(p, s, tape.out, pred, keys, dV, r0, n, m, out), out);
  }
}
