/**
 * The rotary embedding of each newer family against a transcription of its modeling file written
 * the way the file computes it (whole tables, slices and concatenations, not the lab's per-pair
 * loop in rope.ts), from each family's published config shape:
 * - GPT-J-6B (modeling_gptj.py): create_sinusoidal_positions(rotary_dim) split into sin | cos,
 *   repeat_interleave'd, rotate_every_two on key[..., :rotary_dim], the rest concatenated back;
 * - Phi-4-mini-like (modeling_phi3.py, modeling_rope_utils.py): partial_rotary_factor 0.75 of a
 *   128-dim head, LongRoPE's short factors up to original_max_position_embeddings and the long ones
 *   past it (longrope_frequency_update), the attention factor on cos and sin, rotate_half on q_rot;
 * - Gemma 3 (modeling_gemma3.py): rotary_emb_local (rope_local_base_freq, default rope) on the
 *   sliding layers, rotary_emb (rope_theta with its linear rope_scaling) on the full-attention ones.
 * Tolerance 1e-12 relative: both sides are float64 and compute the same angles.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../model/config';
import { largeConfig } from '../model/large-configs';
import type { ModelSpec } from '../model/spec';
import { Rng } from '../util/rng';
import { applyRope, layerRope } from './rope';

/** x rotated by the lab: every head of one row at position t, layer l, sequence length T. */
function lab(spec: ModelSpec, x: Float64Array, t: number, l: number, T: number): Float64Array {
  const y = x.slice();
  applyRope(y, 0, t, layerRope(spec, l, T));
  return y;
}

const arange = (n: number, step = 1) => Array.from({ length: Math.ceil(n / step) }, (_, i) => i * step);
const cat = (...xs: number[][]) => xs.flat();

function expectClose(got: Float64Array, want: number[]): void {
  const scale = Math.max(...want.map(Math.abs));
  const err = Math.max(...want.map((w, i) => Math.abs(got[i] - w)));
  expect(err / scale).toBeLessThanOrEqual(1e-12);
}

describe('rotary embeddings as the modeling files compute them', () => {
  it('GPT-J-6B: rotate_every_two on the first rotary_dim = 64 of 256 dims, sin/cos repeat_interleaved, the rest passed', () => {
    const spec = parseConfig(largeConfig('EleutherAI/gpt-j-6b').config, 'gpt-j-6b');
    const D = spec.headDim;
    const R = 64;
    // create_sinusoidal_positions(num_pos, dim = rotary_dim): inv_freq = 1 / 10000^(arange(0, dim, 2) / dim).
    const invFreq = arange(R, 2).map((j) => 1 / 10000 ** (j / R));
    const x = new Rng(1).normals(D) as Float64Array;
    for (const t of [0, 1, 7, 2047]) {
      const sincos = cat(
        invFreq.map((f) => Math.sin(t * f)),
        invFreq.map((f) => Math.cos(t * f)),
      );
      const [sin, cos] = [sincos.slice(0, R / 2), sincos.slice(R / 2)];
      const rep = (v: number[]) => v.flatMap((a) => [a, a]); // repeat_interleave(…, 2, 3)
      const rot = x.slice(0, R);
      // rotate_every_two: stack((−x[1::2], x[::2]), −1).flatten(−2)
      const every2 = arange(R / 2).flatMap((j) => [-rot[2 * j + 1], rot[2 * j]]);
      const kRot = arange(R).map((i) => rot[i] * rep(cos)[i] + every2[i] * rep(sin)[i]);
      expectClose(lab(spec, x, t, 0, 2048), cat(kRot, Array.from(x.slice(R))));
    }
  });

  it('Phi-4-mini-like: partial_rotary_factor 0.75 of 128 dims, LongRoPE short ≤ 4,096 tokens < long, attention factor', () => {
    const short = arange(48).map((i) => 1 + i / 47);
    const long = arange(48).map((i) => 1 + (31 * i) / 47);
    const config = {
      ...largeConfig('microsoft/Phi-3-mini-4k-instruct').config,
      num_attention_heads: 24,
      num_key_value_heads: 8,
      partial_rotary_factor: 0.75,
      max_position_embeddings: 131072,
      original_max_position_embeddings: 4096,
      rope_theta: 10000,
      rope_scaling: { type: 'longrope', short_factor: short, long_factor: long },
      sliding_window: 262144,
    };
    const spec = parseConfig(config, 'phi-4-mini-like');
    const D = spec.headDim;
    expect(D).toBe(128);
    // _compute_longrope_parameters: dim = int(head_dim · partial_rotary_factor), factor = max / original.
    const dim = Math.trunc(128 * 0.75);
    const factor = 131072 / 4096;
    const attention = Math.sqrt(1 + Math.log(factor) / Math.log(4096));
    const x = new Rng(2).normals(D) as Float64Array;
    for (const [T, ext] of [
      [4096, short],
      [4097, long],
    ] as const) {
      const invFreq = arange(dim, 2).map((j, i) => 1 / (ext[i] * 10000 ** (j / dim)));
      for (const t of [3, T - 1]) {
        const freqs = invFreq.map((f) => t * f);
        const emb = cat(freqs, freqs);
        const cos = emb.map((a) => Math.cos(a) * attention);
        const sin = emb.map((a) => Math.sin(a) * attention);
        const qRot = Array.from(x.slice(0, dim));
        const half = [...qRot.slice(dim / 2).map((v) => -v), ...qRot.slice(0, dim / 2)]; // rotate_half
        const embed = qRot.map((v, i) => v * cos[i] + half[i] * sin[i]);
        expectClose(lab(spec, x, t, 0, T), cat(embed, Array.from(x.slice(dim))));
      }
    }
  });

  it('Gemma 3: rope_local_base_freq unscaled on the five sliding layers, rope_theta with linear scaling on the sixth', () => {
    const spec = parseConfig(
      {
        model_type: 'gemma3_text',
        hidden_size: 2560,
        num_hidden_layers: 6,
        num_attention_heads: 8,
        num_key_value_heads: 4,
        head_dim: 256,
        sliding_window: 1024,
        rope_theta: 1_000_000,
        rope_local_base_freq: 10_000,
        rope_scaling: { rope_type: 'linear', factor: 8 }, // Gemma-3-4B's text config
        vocab_size: 64,
      },
      'gemma-3-4b-like',
    );
    const D = spec.headDim;
    const x = new Rng(3).normals(D) as Float64Array;
    const t = 37;
    for (let l = 0; l < 6; l++) {
      const local = (l + 1) % 6 !== 0; // layer_types: sliding_attention if (i + 1) % 6
      const invFreq = arange(D, 2).map((j) => (local ? 1 / 10_000 ** (j / D) : 1 / 1_000_000 ** (j / D) / 8));
      const emb = cat(invFreq, invFreq).map((f) => t * f);
      const half = [...x.slice(D / 2).map((v) => -v), ...x.slice(0, D / 2)];
      expectClose(
        lab(spec, x, t, l, 64),
        Array.from(x).map((v, i) => v * Math.cos(emb[i]) + half[i] * Math.sin(emb[i])),
      );
    }
  });
});
