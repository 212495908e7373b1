/**
 * Hugging Face config.json → ModelSpec for the architectures the lab runs. Field names and defaults
 * are those of transformers' GPT2Config, LlamaConfig, Qwen2Config and MistralConfig here, and of
 * GPTJConfig, Qwen3Config, Gemma2Config, Gemma3TextConfig and Phi3Config in config-<family>.ts;
 * anything that would change the math and that we do not implement is rejected by name rather than
 * ignored, and so is a config whose fields contradict each other.
 */
import { InputError } from '../types';
import { attentionHeads, int, num, optInt, tokenId } from './config-fields';
import { ropeScaling } from './config-layers';
import { parseGemma } from './config-gemma';
import { parseGptj } from './config-gptj';
import { parsePhi3 } from './config-phi3';
import { parseQwen3 } from './config-qwen3';
import type { Architecture, ModelSpec } from './spec';
import { editDistance } from '../util/edit-distance';

export const SUPPORTED_ARCHS: readonly Architecture[] = [
  'gpt2',
  'gptj',
  'llama',
  'mistral',
  'qwen2',
  'qwen3',
  'gemma2',
  'gemma3_text',
  'phi3',
];

export function parseConfig(json: unknown, where = 'config.json'): ModelSpec {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new InputError(where, 'is not a JSON object');
  const c = json as Record<string, unknown>;
  const type = c.model_type;
  if (type === 'gpt2') return parseGpt2(c, where);
  if (type === 'llama' || type === 'qwen2' || type === 'mistral') return parseLlamaLike(type, c, where);
  if (type === 'gptj') return parseGptj(c, where);
  if (type === 'qwen3') return parseQwen3(c, where);
  if (type === 'gemma2' || type === 'gemma3_text') return parseGemma(type, c, where);
  if (type === 'phi3') return parsePhi3(c, where);
  const near =
    type === 'gemma3'
      ? ' (a Gemma 3 image-text checkpoint; the lab reads the text-only gemma3_text ones)'
      : typeof type === 'string'
        ? ` (the nearest supported is ${nearestArch(type)})`
        : '';
  throw new InputError(where, `unsupported model_type ${JSON.stringify(type)}${near}; supported: ${SUPPORTED_ARCHS.join(', ')}`);
}

/**
 * The supported model_type nearest `type`: the shortest one it begins (phi → phi3, gemma3 →
 * gemma3_text), else the longest one it extends (qwen2_moe → qwen2), else by edit distance.
 */
export function nearestArch(type: string): Architecture {
  const t = type.toLowerCase();
  const begun = SUPPORTED_ARCHS.filter((a) => a.startsWith(t)).sort((a, b) => a.length - b.length)[0];
  if (begun) return begun;
  const extended = SUPPORTED_ARCHS.filter((a) => t.startsWith(a)).sort((a, b) => b.length - a.length)[0];
  if (extended) return extended;
  let best = SUPPORTED_ARCHS[0];
  let bestD = Infinity;
  for (const a of SUPPORTED_ARCHS) {
    const d = editDistance(t, a);
    if (d < bestD) [best, bestD] = [a, d];
  }
  return best;
}

function parseGpt2(c: Record<string, unknown>, where: string): ModelSpec {
  const hidden = int(c, 'n_embd', where);
  const heads = int(c, 'n_head', where);
  const act = c.activation_function ?? 'gelu_new';
  // gelu_new and gelu_pytorch_tanh are the same tanh approximation; exact gelu would differ.
  if (act !== 'gelu_new' && act !== 'gelu_pytorch_tanh')
    throw new InputError(where, `activation_function ${JSON.stringify(act)} is not supported (gelu_new only)`);
  for (const flag of ['scale_attn_by_inverse_layer_idx', 'reorder_and_upcast_attn'] as const) {
    if (c[flag] === true) throw new InputError(where, `${flag}=true is not supported`);
  }
  if (c.scale_attn_weights === false) throw new InputError(where, 'scale_attn_weights=false is not supported');
  if (hidden % heads !== 0) throw new InputError(where, `n_embd ${hidden} is not divisible by n_head ${heads}`);
  return {
    arch: 'gpt2',
    vocabSize: int(c, 'vocab_size', where),
    hidden,
    intermediate: optInt(c, 'n_inner', where) ?? 4 * hidden,
    layers: int(c, 'n_layer', where),
    heads,
    kvHeads: heads,
    headDim: hidden / heads,
    maxPositions: optInt(c, 'n_positions', where) ?? optInt(c, 'n_ctx', where) ?? 1024,
    norm: 'layernorm',
    normEps: num(c, 'layer_norm_epsilon', where, 1e-5),
    act: 'gelu_tanh',
    rope: null,
    qkvBias: true,
    // GPT2LMHeadModel always ties lm_head to wte.
    tiedEmbeddings: true,
    slidingWindow: null,
    bosId: tokenId(c, 'bos_token_id', where),
    eosId: tokenId(c, 'eos_token_id', where),
  };
}

function parseLlamaLike(arch: 'llama' | 'qwen2' | 'mistral', c: Record<string, unknown>, where: string): ModelSpec {
  const hidden = int(c, 'hidden_size', where);
  const { heads, kvHeads, headDim } = attentionHeads(c, where, hidden, { wholeHeadRotates: true });
  const act = c.hidden_act ?? 'silu';
  if (act !== 'silu') throw new InputError(where, `hidden_act ${JSON.stringify(act)} is not supported (silu only)`);
  if (arch === 'llama' && c.attention_bias === true)
    throw new InputError(where, 'attention_bias=true is not supported (it also biases o_proj)');
  if (c.mlp_bias === true && arch !== 'llama') throw new InputError(where, `mlp_bias=true is not a ${arch} setting`);
  return {
    arch,
    vocabSize: int(c, 'vocab_size', where),
    hidden,
    intermediate: int(c, 'intermediate_size', where),
    layers: int(c, 'num_hidden_layers', where),
    heads,
    kvHeads,
    headDim,
    maxPositions: optInt(c, 'max_position_embeddings', where) ?? 2048,
    norm: 'rmsnorm',
    normEps: num(c, 'rms_norm_eps', where, 1e-6),
    act: 'silu',
    rope: { theta: num(c, 'rope_theta', where, 10000), scaling: ropeScaling(c.rope_scaling, where) },
    qkvBias: arch === 'qwen2',
    mlpBias: c.mlp_bias === true,
    // LlamaConfig/Qwen2Config/MistralConfig default tie_word_embeddings to false.
    tiedEmbeddings: c.tie_word_embeddings === true,
    slidingWindow: slidingWindow(arch, c, where),
    bosId: tokenId(c, 'bos_token_id', where),
    eosId: tokenId(c, 'eos_token_id', where),
  };
}

function slidingWindow(arch: Architecture, c: Record<string, unknown>, where: string): number | null {
  // Qwen2 only slides when use_sliding_window is set; its configs carry sliding_window regardless.
  if (arch === 'qwen2' && c.use_sliding_window !== true) return null;
  if (arch === 'llama') return null;
  return optInt(c, 'sliding_window', where) ?? null;
}
