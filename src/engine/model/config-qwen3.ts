/**
 * Qwen3's config.json (transformers Qwen3Config and its defaults): Llama's block with an RMSNorm over
 * each head of q and k (q_norm / k_norm) before RoPE, head_dim its own field (default 128, not
 * hidden / heads), no q/k/v bias, sliding windows only with use_sliding_window (docs/design.md §1).
 */
import { InputError } from '../types';
import { attentionHeads, num, optInt, tokenId } from './config-fields';
import { ropeScaling, ropeTheta, windowsFromLayerTypes } from './config-layers';
import type { ModelSpec } from './spec';

export function parseQwen3(c: Record<string, unknown>, where: string): ModelSpec {
  const hidden = optInt(c, 'hidden_size', where) ?? 4096;
  const { heads, kvHeads, headDim } = attentionHeads(c, where, hidden, { heads: 32, headDim: 128, wholeHeadRotates: true });
  const act = c.hidden_act ?? 'silu';
  if (act !== 'silu') throw new InputError(where, `hidden_act ${JSON.stringify(act)} is not supported (silu only)`);
  if (c.attention_bias === true) throw new InputError(where, 'attention_bias=true is not supported (it also biases o_proj)');
  const layers = optInt(c, 'num_hidden_layers', where) ?? 32;
  // Qwen3Config: sliding_window only with use_sliding_window, on the layers from max_window_layers up.
  const window = c.use_sliding_window === true ? (optInt(c, 'sliding_window', where) ?? 4096) : null;
  const maxWindowLayers = optInt(c, 'max_window_layers', where) ?? 28;
  const layerWindows =
    windowsFromLayerTypes(c, layers, window, where) ??
    Array.from({ length: layers }, (_, i) => (window !== null && i >= maxWindowLayers ? window : null));
  const { theta, scaling } = ropeTheta(c, where, 10000);
  return {
    arch: 'qwen3',
    vocabSize: optInt(c, 'vocab_size', where) ?? 151936,
    hidden,
    intermediate: optInt(c, 'intermediate_size', where) ?? 22016,
    layers,
    heads,
    kvHeads,
    headDim,
    maxPositions: optInt(c, 'max_position_embeddings', where) ?? 32768,
    norm: 'rmsnorm',
    normEps: num(c, 'rms_norm_eps', where, 1e-6),
    act: 'silu',
    rope: { theta, scaling: ropeScaling(scaling, where, ['llama3', 'linear']) },
    qkvBias: false,
    qkNorm: true,
    tiedEmbeddings: c.tie_word_embeddings === true,
    slidingWindow: null,
    layerWindows,
    bosId: tokenId(c, 'bos_token_id', where),
    eosId: tokenId(c, 'eos_token_id', where),
  };
}
