/**
 * ΔW comes from the editors as [d_in, d_out] (the output change is k·ΔW, docs/design.md §1 step 6). A
 * torch Linear stores W as [d_out, d_in], so it takes ΔWᵀ; GPT-2's Conv1D stores [d_in, d_out] and
 * takes ΔW as is.
 */
import type { EditableModule } from '../model/spec';
import { InputError } from '../types';

export function addDelta(weight: Float32Array, m: EditableModule, delta: ArrayLike<number>): void {
  const { dIn, dOut } = m;
  if (delta.length !== dIn * dOut)
    throw new InputError(`delta for module '${m.name}'`, `has ${delta.length} values, expected [${dIn}, ${dOut}] = ${dIn * dOut}`);
  if (weight.length !== dIn * dOut) throw new Error(`weight '${m.weight}' has ${weight.length} values, expected ${dIn * dOut}`);
  if (m.layout === 'conv1d') {
    for (let i = 0; i < weight.length; i++) weight[i] += delta[i];
    return;
  }
  for (let o = 0; o < dOut; o++) for (let i = 0; i < dIn; i++) weight[o * dIn + i] += delta[i * dOut + o];
}

/** A tensor in a module weight's own layout ([dOut, dIn] Linear, [dIn, dOut] Conv1D) as [dIn, dOut], the layout of ΔW. */
export function asDeltaLayout(w: ArrayLike<number>, m: EditableModule): Float64Array {
  const { dIn, dOut } = m;
  if (w.length !== dIn * dOut) throw new Error(`module '${m.name}': ${w.length} values, expected ${dIn * dOut}`);
  if (m.layout === 'conv1d') return Float64Array.from(w);
  const out = new Float64Array(dIn * dOut);
  for (let o = 0; o < dOut; o++) for (let i = 0; i < dIn; i++) out[i * dOut + o] = w[o * dIn + i];
  return out;
}
