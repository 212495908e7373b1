/**
 * Rotary position embedding as transformers computes it, shared by the reference forward and the
 * graph builder so both use the same frequencies: LlamaRotaryEmbedding + rotate_half (pairs i and
 * i + d/2), GPT-J's rotate_every_two (pairs 2i and 2i + 1), rotation of the leading `rotaryDim` dims
 * only (GPT-J's rotary_dim, Phi-3's partial_rotary_factor), the llama3 / linear / longrope frequency
 * rescalings, and Gemma 3's local base on its sliding-window layers.
 */
import type { ModelSpec } from '../model/spec';

/** The rope of one layer at one sequence length. */
export interface LayerRope {
  /** [rotaryDim / 2]. */
  invFreq: Float64Array;
  /** GPT-J's rotate_every_two layout. */
  interleaved: boolean;
  /** cos and sin are multiplied by this (LongRoPE's attention factor; 1 elsewhere). */
  scale: number;
}

/** The leading dims of each head that rotate. */
export function rotaryDim(spec: ModelSpec): number {
  if (!spec.rope) throw new Error(`${spec.arch} has no rotary embeddings`);
  return spec.rope.rotaryDim ?? spec.headDim;
}

/**
 * inv_freq[i] = θ^(−2i/d), i < d/2 (d = rotaryDim), after the config's scaling. `local`: Gemma 3's
 * sliding-window layers (rope_local_base_freq, never scaled). `seqLen` picks LongRoPE's short or long
 * factors as transformers' longrope_frequency_update does (long past original_max_position_embeddings).
 */
export function ropeInvFreq(spec: ModelSpec, o: { local?: boolean; seqLen?: number } = {}): Float64Array {
  if (!spec.rope) throw new Error(`${spec.arch} has no rotary embeddings`);
  const d = rotaryDim(spec);
  const theta = o.local && spec.rope.localTheta !== undefined ? spec.rope.localTheta : spec.rope.theta;
  const inv = new Float64Array(d / 2);
  for (let i = 0; i < d / 2; i++) inv[i] = 1 / theta ** ((2 * i) / d);
  const s = spec.rope.scaling;
  if (!s || (o.local && spec.rope.localTheta !== undefined)) return inv;
  if (s.type === 'linear') return inv.map((f) => f / s.factor);
  if (s.type === 'longrope') {
    // _compute_longrope_parameters: 1 / (ext · base^(2i/d)).
    const ext = (o.seqLen ?? 0) > s.originalMaxPositions ? s.longFactor : s.shortFactor;
    for (let i = 0; i < inv.length; i++) inv[i] = 1 / (ext[i] * theta ** ((2 * i) / d));
    return inv;
  }
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

/** Layer `layer`'s rope for a sequence of `seqLen` tokens (local = a sliding-window layer of Gemma 3). */
export function layerRope(spec: ModelSpec, layer: number, seqLen: number): LayerRope {
  const local = spec.rope?.localTheta !== undefined && spec.layerWindows?.[layer] != null;
  const s = spec.rope?.scaling;
  return {
    invFreq: ropeInvFreq(spec, { local, seqLen }),
    interleaved: spec.rope?.interleaved === true,
    scale: s?.type === 'longrope' ? s.attentionFactor : 1,
  };
}

/**
 * In place on one head vector x[off .. off+d) at position `pos`, rotating its first 2·|invFreq| dims:
 * x·cos + rotate_half(x)·sin, rotate_half(x) = [−x₂, x₁] (or rotate_every_two's pairs), with cos/sin
 * of pos·inv_freq times `scale`.
 */
export function applyRope(x: Float64Array, off: number, pos: number, r: LayerRope | Float64Array): void {
  const { invFreq, interleaved, scale } = r instanceof Float64Array ? { invFreq: r, interleaved: false, scale: 1 } : r;
  const half = invFreq.length;
  for (let i = 0; i < half; i++) {
    const a = pos * invFreq[i];
    const c = Math.cos(a) * scale;
    const s = Math.sin(a) * scale;
    const [i1, i2] = interleaved ? [off + 2 * i, off + 2 * i + 1] : [off + i, off + half + i];
    const x1 = x[i1];
    const x2 = x[i2];
    x[i1] = x1 * c - x2 * s;
    x[i2] = x2 * c + x1 * s;
  }
}
