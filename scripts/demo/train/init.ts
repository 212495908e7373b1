/**
 * Deterministic initialization from the seeded Rng: norms at 1, every matrix N(0, std²) with
 * std = 0.02 (Llama's initializer_range), and the projections that write into the residual stream
 * (o_proj, down_proj) scaled by 1/√(2·layers) (GPT-2's rule) so the stream's variance does not grow
 * with depth. Tensors are drawn in checkpoint order, so a seed gives the same bytes every time.
 */
import { expectedTensors } from '../../../src/engine/model/modules';
import type { ModelSpec, Weights } from '../../../src/engine/model/spec';
import { Rng } from '../../../src/engine/util/rng';

export const INIT_STD = 0.02;

export function initWeights(spec: ModelSpec, seed: number): Weights {
  const rng = new Rng(seed);
  const out: Weights = new Map();
  for (const [name, shape] of expectedTensors(spec)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (/norm\.weight$/.test(name)) data.fill(1);
    else {
      const std = /(o_proj|down_proj)\.weight$/.test(name) ? INIT_STD / Math.sqrt(2 * spec.layers) : INIT_STD;
      rng.normals(n, std, data);
    }
    out.set(name, { shape: [...shape], data });
  }
  return out;
}
