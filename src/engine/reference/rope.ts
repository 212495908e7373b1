/**
 * Rotary position embedding as transformers computes it (LlamaRotaryEmbedding + rotate_half), with
 * the Llama 3.x frequency rescaling. Shared by the reference forward and the graph builder so both
 * use the same frequencies.
 */
import type { ModelSpec } from '../model/spec';

/** inv_freq[i] = θ^(−2i/d), i < d/2, after llama3 scaling when the config has it. */
export function ropeInvFreq(spec: ModelSpec): Float64Array {
  if (!spec.rope) throw new Error(`${spec.arch} has no rotary embeddings`);
  const d = spec.headDim;
  const inv = new Float64Array(d / 2);
  for (let i = 0; i < d / 2; i++) inv[i] = 1 / spec.rope.theta ** ((2 * i) / d);
  const s = spec.rope.scaling;
  if (!s) return inv;
  // transformers' _compute_llama3_parameters: long wavelengths slowed by `factor`, short ones kept,
  // the band between interpolated smoothly.
  const lowWavelen = s.originalMaxPositions / s.lowFreqFactor;
  const highWavelen = s.originalMaxPositions / s.highFreqFactor;
  for (let i = 0; i < inv.length; i++) {
    const wavelen = (2 * Math.PI) / inv[i];
    if (wavelen > lowWavelen) {
      inv[i] = inv[i] / s.factor;
    } else if (wavelen >= highWavelen) {
      const smooth = (s.originalMaxPositions / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
      inv[i] = (1 - smooth) * (inv[i] / s.factor) + smooth * inv[i];
    }
  }
  return inv;
}

/**
 * In place on one head vector x[off .. off+d) at position `pos`:
 * x·cos + rotate_half(x)·sin, rotate_half(x) = [−x₂, x₁], with cos/sin of [pos·inv_freq, pos·inv_freq].
 */
export function applyRope(x: Float64Array, off: number, pos: number, invFreq: Float64Array): void {
  const half = invFreq.length;
  for (let i = 0; i < half; i++) {
    const a = pos * invFreq[i];
    const c = Math.cos(a);
    const s = Math.sin(a);
    const x1 = x[off + i];
    const x2 = x[off + half + i];
    x[off + i] = x1 * c - x2 * s;
    x[off + half + i] = x2 * c + x1 * s;
  }
}
