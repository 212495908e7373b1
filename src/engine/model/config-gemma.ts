/**
 * Gemma 2 and Gemma 3 (text) config.json (transformers Gemma2Config / Gemma3TextConfig and their
 * defaults): RMSNorm scaled by (1 + w), embeddings × √hidden in the embedding's dtype, four norms
 * around attention and MLP, GeGLU with the tanh gelu, q·k scaled by query_pre_attn_scalar^−½,
 * sliding-window attention on the layers the config makes local, tied head. Gemma 2 soft-caps the
 * attention scores and the logits; Gemma 3 adds q_norm / k_norm, drops the score cap (its attention
 * never passes attn_logit_softcapping on, so neither does the lab) and keeps the logit cap only where
 * set, and its local layers rotate with rope_local_base_freq, the global ones with rope_theta and
 * rope_scaling (docs/design.md §1).
 */
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16 } from '../safetensors/dtypes';
import { InputError } from '../types';
import { attentionHeads, num, optInt, optNum, tokenId } from './config-fields';
import { ropeScaling, ropeTheta, windowsFromLayerTypes } from './config-layers';
import type { ModelSpec } from './spec';

export function parseGemma(arch: 'gemma2' | 'gemma3_text', c: Record<string, unknown>, where: string): ModelSpec {
  const g3 = arch === 'gemma3_text';
  const hidden = optInt(c, 'hidden_size', where) ?? 2304;
  const { heads, kvHeads, headDim } = attentionHeads(c, where, hidden, { heads: 8, kvHeads: 4, headDim: 256, wholeHeadRotates: true });
  const act = c.hidden_activation ?? c.hidden_act ?? 'gelu_pytorch_tanh';
  if (act !== 'gelu_pytorch_tanh' && act !== 'gelu_new')
    throw new InputError(where, `hidden_activation ${JSON.stringify(act)} is not supported (gelu_pytorch_tanh only)`);
  if (c.attention_bias === true) throw new InputError(where, 'attention_bias=true is not supported');
  if (c.use_bidirectional_attention === true)
    throw new InputError(where, 'use_bidirectional_attention=true is not supported (causal only)');
  const layers = optInt(c, 'num_hidden_layers', where) ?? 26;
  const window = c.sliding_window === null ? null : (optInt(c, 'sliding_window', where) ?? 4096);
  // Gemma 2: every other layer local, from layer 0; Gemma 3: all local but every sliding_window_pattern-th.
  const pattern = g3 ? (optInt(c, 'sliding_window_pattern', where) ?? optInt(c, '_sliding_window_pattern', where) ?? 6) : 2;
  const layerWindows =
    windowsFromLayerTypes(c, layers, window, where) ?? Array.from({ length: layers }, (_, i) => ((i + 1) % pattern !== 0 ? window : null));
  const global = ropeTheta(c, where, g3 ? 1_000_000 : 10000, 'full_attention');
  // Old configs: rope_local_base_freq; transformers 5: rope_parameters.sliding_attention.rope_theta.
  const localTheta = g3
    ? c.rope_parameters
      ? ropeTheta(c, where, 10000, 'sliding_attention').theta
      : num(c, 'rope_local_base_freq', where, 10000)
    : undefined;
  const qScalar = num(c, 'query_pre_attn_scalar', where, 256);
  if (!(qScalar > 0)) throw new InputError(where, `query_pre_attn_scalar must be positive, got ${qScalar}`);
  const dtype = String(c.torch_dtype ?? c.dtype ?? 'float32');
  return {
    arch,
    vocabSize: optInt(c, 'vocab_size', where) ?? (g3 ? 262208 : 256000),
    hidden,
    intermediate: optInt(c, 'intermediate_size', where) ?? 9216,
    layers,
    heads,
    kvHeads,
    headDim,
    maxPositions: optInt(c, 'max_position_embeddings', where) ?? (g3 ? 131072 : 8192),
    norm: 'rmsnorm',
    normEps: num(c, 'rms_norm_eps', where, 1e-6),
    normPlusOne: true,
    sandwichNorms: true,
    qkNorm: g3,
    act: 'gelu_tanh',
    rope: { theta: global.theta, scaling: ropeScaling(global.scaling, where, ['linear', 'llama3']), localTheta },
    qkvBias: false,
    embedScale: roundToDtype(Math.sqrt(hidden), dtype),
    attnScale: qScalar ** -0.5,
    attnSoftcap: g3 ? null : c.attn_logit_softcapping === undefined ? 50 : optNum(c, 'attn_logit_softcapping', where),
    finalSoftcap: c.final_logit_softcapping === undefined ? (g3 ? null : 30) : optNum(c, 'final_logit_softcapping', where),
    // Gemma2Config / Gemma3TextConfig default tie_word_embeddings to true.
    tiedEmbeddings: c.tie_word_embeddings !== false,
    slidingWindow: null,
    layerWindows,
    bosId: c.bos_token_id === undefined ? 2 : tokenId(c, 'bos_token_id', where),
    eosId: c.eos_token_id === undefined ? 1 : tokenId(c, 'eos_token_id', where),
  };
}

/**
 * x as a tensor of this dtype holds it (torch dtype or safetensors name; round to nearest even):
 * Gemma multiplies the embeddings by √hidden cast to the embedding's dtype (√2048 = 45.2548… is
 * 45.25 in bfloat16), as transformers does.
 */
export function roundToDtype(x: number, dtype: string): number {
  if (dtype === 'bfloat16' || dtype === 'BF16') return bf16ToF32(f32ToBf16(x));
  if (dtype === 'float16' || dtype === 'F16') return f16ToF32(f32ToF16(x));
  return Math.fround(x);
}
