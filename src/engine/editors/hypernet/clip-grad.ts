/**
 * torch 1.13's clip_grad_norm_ over every parameter of the hypernetworks (docs/design.md §8): the
 * total 2-norm over all of them, each scaled by min(1, max/(norm + 1e-6)). Returns the norm before
 * clipping, as torch does.
 */
import { mapParams, paramArrays, type RLEditParams } from './rledit-net';

export function clipGradNorm(grads: Record<string, RLEditParams>, maxNorm: number): number {
  let sq = 0;
  for (const g of Object.values(grads)) for (const [, x] of paramArrays(g)) for (let i = 0; i < x.length; i++) sq += x[i] * x[i];
  const norm = Math.sqrt(sq);
  const coef = Math.min(1, maxNorm / (norm + 1e-6));
  if (coef < 1) for (const k of Object.keys(grads)) grads[k] = mapParams(grads[k], (x) => x.map((v) => v * coef));
  return norm;
}
