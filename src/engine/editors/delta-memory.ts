/**
 * The diagnostics every editor reports of a module's ΔW (docs/design.md §1 "Diagnostics"): its
 * Frobenius norm and its cosine with that module's previous ΔW, which is then replaced by this one
 * (the memory a checkpoint keeps so a resumed run reports the same cosines).
 */
import { frobeniusCosine, frobeniusNorm } from '../linalg/frobenius';

export function rememberDelta(
  memory: Map<string, Float32Array>,
  module: string,
  delta: Float32Array,
): { deltaNorm: number; cosinePrev: number | null } {
  const prev = memory.get(module);
  memory.set(module, delta);
  return { deltaNorm: frobeniusNorm(delta), cosinePrev: prev ? frobeniusCosine(delta, prev) : null };
}
