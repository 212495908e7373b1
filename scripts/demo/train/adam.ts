/**
 * AdamW (Loshchilov & Hutter) with bias correction, global-norm gradient clipping, and a linear
 * warm-up + cosine learning-rate schedule. Moments are float64 so the update is the textbook formula
 * without float32 round-off in m and v; the weights themselves stay float32 (what the model ships).
 *
 *   g ← g · min(1, clip / ‖g‖₂)                         (‖·‖ over all tensors together)
 *   m ← β₁m + (1−β₁)g,   v ← β₂v + (1−β₂)g²
 *   m̂ = m / (1−β₁ᵗ),     v̂ = v / (1−β₂ᵗ)
 *   w ← w − lr_t · (m̂ / (√v̂ + ε) + λ·w)                 (λ only on tensors with decay)
 */
import type { Weights } from '../../../src/engine/model/spec';

export interface AdamOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Max global gradient norm; Infinity disables clipping. */
  clip: number;
  /** Which tensors get weight decay (default: matrices, not norm gains). */
  decays?: (name: string, shape: readonly number[]) => boolean;
}

export const ADAM_DEFAULTS: AdamOptions = { lr: 3e-3, beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: 0.01, clip: 1.0 };

export interface StepInfo {
  /** Global gradient norm before clipping. */
  gradNorm: number;
  lr: number;
}

export class AdamW {
  private readonly m = new Map<string, Float64Array>();
  private readonly v = new Map<string, Float64Array>();
  private t = 0;
  constructor(private readonly opts: AdamOptions) {}

  get steps(): number {
    return this.t;
  }

  /** One update of `weights` in place with gradients `grads` at learning rate `lr`. */
  step(weights: Weights, grads: ReadonlyMap<string, ArrayLike<number>>, lr: number): StepInfo {
    const { beta1: b1, beta2: b2, eps, weightDecay } = this.opts;
    const decays = this.opts.decays ?? ((_n: string, shape: readonly number[]) => shape.length >= 2);
    let sq = 0;
    for (const [name, g] of grads) {
      if (!weights.has(name)) throw new Error(`adam: gradient for unknown weight '${name}'`);
      for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
    }
    const gradNorm = Math.sqrt(sq);
    if (!Number.isFinite(gradNorm)) throw new Error(`adam: gradient norm is ${gradNorm} at step ${this.t + 1}`);
    const scale = gradNorm > this.opts.clip ? this.opts.clip / gradNorm : 1;
    this.t++;
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    for (const [name, g] of grads) {
      const w = weights.get(name)!;
      let m = this.m.get(name);
      let v = this.v.get(name);
      if (!m || !v) {
        this.m.set(name, (m = new Float64Array(g.length)));
        this.v.set(name, (v = new Float64Array(g.length)));
      }
      const lambda = decays(name, w.shape) ? weightDecay : 0;
      const d = w.data;
      for (let i = 0; i < d.length; i++) {
        const gi = g[i] * scale;
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        d[i] -= lr * (m[i] / c1 / (Math.sqrt(v[i] / c2) + eps) + lambda * d[i]);
      }
    }
    return { gradNorm, lr };
  }
}

/** Linear warm-up from 0 to `peak` over `warmup` steps, then cosine down to `floor`·peak at `total`. */
export function learningRate(step: number, total: number, warmup: number, peak: number, floor = 0.1): number {
  if (step < warmup) return (peak * (step + 1)) / warmup;
  const p = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
  return peak * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * p)));
}
