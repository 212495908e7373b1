/**
 * MEND's edit of one module and its backward, as the StableEdit repository's editor/mend.py writes
 * it (docs/design.md §8): the same network as RLEdit (nets.py RLEditNet, rledit-net.ts) maps the
 * normalized captures to pseudo keys k̃ and pseudo value gradients g̃, and
 *
 *   ΔW = −lr[m]·K̃ᵀG̃        [dIn, dOut], summed over every captured row (the reference sums per sub-batch)
 *
 * — the rank-1 gradient decomposition ΔW = −lr·Σ k̃ g̃ᵀ with no solve. Given ∂L/∂ΔW = Γ:
 * ∂L/∂K̃ = −lr·G̃Γᵀ, ∂L/∂G̃ = −lr·K̃Γ, ∂L/∂lr = −Σ (K̃ᵀG̃)∘Γ; λ gets no gradient (torch's Adam then
 * leaves it alone: its grad is None).
 */
import type { RunningMoments } from '../../linalg/chan';
import { matmul } from '../../linalg/matmul';
import { netBackward, netForward, normalizeRows, shapeSize, type NetTape, type RLEditParams, type RLEditShape } from './rledit-net';

export interface MendPrediction {
  tape: NetTape;
  /** K̃ᵀG̃ [dIn, dOut] (ΔW = −lr·this). */
  outer: Float64Array;
  shift: Float64Array;
}

function split(tape: NetTape, s: RLEditShape): { k: Float64Array; g: Float64Array } {
  const S = shapeSize(s);
  const N = tape.rows;
  const k = new Float64Array(N * s.dIn);
  const g = new Float64Array(N * s.dOut);
  for (let i = 0; i < N; i++) {
    k.set(tape.out.subarray(i * S, i * S + s.dIn), i * s.dIn);
    g.set(tape.out.subarray(i * S + s.dIn, (i + 1) * S), i * s.dOut);
  }
  return { k, g };
}

export function predictMendShift(
  p: RLEditParams,
  s: RLEditShape,
  norm: RunningMoments,
  keys: ArrayLike<number>,
  grads: ArrayLike<number>,
  N: number,
  m: number,
  products?: Float64Array[],
): MendPrediction {
  const tape = netForward(p, s, normalizeRows(norm, s, keys, grads, N), N, m, products);
  const { k, g } = split(tape, s);
  const outer = matmul(k, g, { m: s.dIn, k: N, n: s.dOut, transA: true });
  return { tape, outer, shift: outer.map((x) => -p.lr[m] * x) };
}

/** Adds ∂L/∂θ of this module's MEND edit into `grads`, given ∂L/∂ΔW [dIn, dOut]. */
export function mendBackward(
  p: RLEditParams,
  s: RLEditShape,
  pred: MendPrediction,
  gradShift: ArrayLike<number>,
  grads: RLEditParams,
): void {
  const S = shapeSize(s);
  const N = pred.tape.rows;
  const m = pred.tape.module;
  const lr = p.lr[m];
  let dlr = 0;
  for (let i = 0; i < pred.outer.length; i++) dlr -= pred.outer[i] * gradShift[i];
  grads.lr[m] += dlr;
  const { k, g } = split(pred.tape, s);
  const dk = matmul(g, gradShift, { m: N, k: s.dOut, n: s.dIn, transB: true });
  const dg = matmul(k, gradShift, { m: N, k: s.dIn, n: s.dOut });
  const dOut = new Float64Array(N * S);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < s.dIn; j++) dOut[i * S + j] = -lr * dk[i * s.dIn + j];
    for (let j = 0; j < s.dOut; j++) dOut[i * S + s.dIn + j] = -lr * dg[i * s.dOut + j];
  }
  netBackward(p, s, pred.tape, dOut, grads);
}
