/**
 * Phi-3's config.json (transformers Phi3Config and its defaults; Phi-3, Phi-3.5, Phi-4-mini): Llama's
 * block with q, k, v fused in qkv_proj and gate, up in gate_up_proj (the edited module stays
 * mlp.down_proj), rotary on the first partial_rotary_factor of each head, LongRoPE (short / long
 * factors and the attention factor), sliding_window on every layer when set (docs/design.md §1).
 */
import { InputError } from '../types';
import { attentionHeads, int, num, optInt, tokenId } from './config-fields';
import { ropeTheta } from './config-layers';
import type { LongRopeScaling, ModelSpec } from './spec';

export function parsePhi3(c: Record<string, unknown>, where: string): ModelSpec {
  const hidden = optInt(c, 'hidden_size', where) ?? 3072;
  // Partial rotary: the rotated part's evenness is checked with partial_rotary_factor below.
  const { heads, kvHeads, headDim } = attentionHeads(c, where, hidden, { heads: 32, wholeHeadRotates: false });
  const act = c.hidden_act ?? 'silu';
  if (act !== 'silu') throw new InputError(where, `hidden_act ${JSON.stringify(act)} is not supported (silu only)`);
  const factor = num(c, 'partial_rotary_factor', where, 1);
  const rotaryDim = Math.floor(headDim * factor);
  if (!(factor > 0 && factor <= 1) || rotaryDim % 2 !== 0 || rotaryDim === 0)
    throw new InputError(
      where,
      `partial_rotary_factor ${factor} gives ${rotaryDim} rotary dims of a ${headDim}-dim head (must be even, > 0)`,
    );
  const layers = optInt(c, 'num_hidden_layers', where) ?? 32;
  const maxPositions = optInt(c, 'max_position_embeddings', where) ?? 4096;
  const originalMax = optInt(c, 'original_max_position_embeddings', where) ?? 4096;
  const window = optInt(c, 'sliding_window', where) ?? null;
  const { theta, scaling } = ropeTheta(c, where, 10000);
  return {
    arch: 'phi3',
    vocabSize: optInt(c, 'vocab_size', where) ?? 32064,
    hidden,
    intermediate: optInt(c, 'intermediate_size', where) ?? 8192,
    layers,
    heads,
    kvHeads,
    headDim,
    maxPositions,
    norm: 'rmsnorm',
    normEps: num(c, 'rms_norm_eps', where, 1e-5),
    act: 'silu',
    rope: {
      theta,
      scaling: longRope(scaling, rotaryDim, maxPositions, originalMax, where),
      ...(rotaryDim < headDim ? { rotaryDim } : {}),
    },
    qkvBias: false,
    tiedEmbeddings: c.tie_word_embeddings === true,
    slidingWindow: null,
    layerWindows: Array.from({ length: layers }, () => window),
    bosId: c.bos_token_id === undefined ? 1 : tokenId(c, 'bos_token_id', where),
    eosId: c.eos_token_id === undefined ? 32000 : tokenId(c, 'eos_token_id', where),
  };
}

/**
 * Phi-3's rope_scaling: null or longrope (Phi3Config renames the older "su" and "yarn" to longrope).
 * The attention factor, when not given, is √(1 + ln s / ln original_max) with s = max_position_embeddings
 * / original_max_position_embeddings (1 when s ≤ 1), as transformers' _compute_longrope_parameters.
 */
function longRope(raw: unknown, rotaryDim: number, maxPositions: number, originalMax: number, where: string): LongRopeScaling | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (typeof raw !== 'object') throw new InputError(where, 'rope_scaling is not an object');
  const r = raw as Record<string, unknown>;
  const type = r.rope_type ?? r.type;
  if (type === 'default') return undefined;
  if (type !== 'longrope' && type !== 'su' && type !== 'yarn')
    throw new InputError(where, `rope_scaling type ${JSON.stringify(type)} is not supported (longrope only)`);
  const at = `${where} rope_scaling`;
  const factors = (key: string) => {
    const v = r[key];
    if (!Array.isArray(v) || v.length !== rotaryDim / 2 || !v.every((x) => typeof x === 'number' && x > 0))
      throw new InputError(
        at,
        `${key} must list ${rotaryDim / 2} positive numbers (rotary dims / 2), got ${Array.isArray(v) ? `${v.length} entries` : JSON.stringify(v)}`,
      );
    return v as number[];
  };
  const s = maxPositions / originalMax;
  const attentionFactor =
    r.attention_factor !== undefined && r.attention_factor !== null
      ? num(r, 'attention_factor', at)
      : s <= 1
        ? 1
        : Math.sqrt(1 + Math.log(s) / Math.log(originalMax));
  if (r.original_max_position_embeddings !== undefined) int(r, 'original_max_position_embeddings', at);
  return {
    type: 'longrope',
    shortFactor: factors('short_factor'),
    longFactor: factors('long_factor'),
    originalMaxPositions: originalMax,
    attentionFactor,
  };
}
