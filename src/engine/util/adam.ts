/**
 * One step of torch.optim.Adam (β 0.9/0.999, ε 1e-8, no weight decay) on a flat parameter, in place,
 * written as torch writes it: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², and
 * p ← p − (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε), t the 1-based step. MEMIT's target optimization
 * (editors/locate/compute-z.ts) and the hypernetworks' meta-training (editors/hypernet/) use it.
 */
export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const ADAM_EPS = 1e-8;

export function adamStep(p: Float64Array, g: ArrayLike<number>, m: Float64Array, v: Float64Array, t: number, lr: number): void {
  const c1 = lr / (1 - ADAM_BETA1 ** t);
  const c2 = Math.sqrt(1 - ADAM_BETA2 ** t);
  for (let i = 0; i < p.length; i++) {
    m[i] = ADAM_BETA1 * m[i] + (1 - ADAM_BETA1) * g[i];
    v[i] = ADAM_BETA2 * v[i] + (1 - ADAM_BETA2) * g[i] * g[i];
    const denom = Math.sqrt(v[i]) / c2 + ADAM_EPS;
    p[i] -= (c1 * m[i]) / denom;
  }
}
