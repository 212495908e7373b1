/**
 * Hugging Face config.json → ModelSpec for the architectures the lab runs. Field names and defaults
 * are those of transformers' GPT2Config, LlamaConfig, Qwen2Config and MistralConfig; anything that
 * would change the math and that we do not implement is rejected by name rather than ignored.
 */
import { InputError } from '../types';
import type { Architecture, ModelSpec, RopeScaling } from './spec';

export const SUPPORTED_ARCHS: readonly Architecture[] = ['gpt2', 'llama', 'qwen2', 'mistral'];

export function parseConfig(json: unknown, where = 'config.json'): ModelSpec {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new InputError(where, 'is not a JSON object');
  const c = json as Record<string, unknown>;
  const type = c.model_type;
  if (type === 'gpt2') return parseGpt2(c, where);
  if (type === 'llama' || type === 'qwen2' || type === 'mistral') return parseLlamaLike(type, c, where);
  throw new InputError(where, `unsupported model_type ${JSON.stringify(type)} (supported: ${SUPPORTED_ARCHS.join(', ')})`);
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
  const heads = int(c, 'num_attention_heads', where);
  const kvHeads = optInt(c, 'num_key_value_heads', where) ?? heads;
  if (heads % kvHeads !== 0)
    throw new InputError(where, `num_attention_heads ${heads} is not a multiple of num_key_value_heads ${kvHeads}`);
  const headDim = optInt(c, 'head_dim', where) ?? hidden / heads;
  if (!Number.isInteger(headDim) || headDim % 2 !== 0)
    throw new InputError(where, `head_dim ${headDim} must be an even integer (hidden_size / num_attention_heads)`);
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

function ropeScaling(raw: unknown, where: string): RopeScaling | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (typeof raw !== 'object') throw new InputError(where, 'rope_scaling is not an object');
  const r = raw as Record<string, unknown>;
  const type = r.rope_type ?? r.type;
  if (type === 'default') return undefined;
  if (type !== 'llama3') throw new InputError(where, `rope_scaling type ${JSON.stringify(type)} is not supported (llama3 only)`);
  const at = `${where} rope_scaling`;
  return {
    type: 'llama3',
    factor: num(r, 'factor', at),
    lowFreqFactor: num(r, 'low_freq_factor', at),
    highFreqFactor: num(r, 'high_freq_factor', at),
    originalMaxPositions: int(r, 'original_max_position_embeddings', at),
  };
}

function slidingWindow(arch: Architecture, c: Record<string, unknown>, where: string): number | null {
  // Qwen2 only slides when use_sliding_window is set; its configs carry sliding_window regardless.
  if (arch === 'qwen2' && c.use_sliding_window !== true) return null;
  if (arch === 'llama') return null;
  return optInt(c, 'sliding_window', where) ?? null;
}

function int(c: Record<string, unknown>, key: string, where: string): number {
  const v = c[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0)
    throw new InputError(where, `${key} must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

function optInt(c: Record<string, unknown>, key: string, where: string): number | undefined {
  return c[key] === undefined || c[key] === null ? undefined : int(c, key, where);
}

function num(c: Record<string, unknown>, key: string, where: string, dflt?: number): number {
  const v = c[key];
  if ((v === undefined || v === null) && dflt !== undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(where, `${key} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

/** Llama 3.1 instruct lists several eos ids; the first is the canonical one. */
function tokenId(c: Record<string, unknown>, key: string, where: string): number | null {
  let v = c[key];
  if (Array.isArray(v)) v = v[0];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw new InputError(where, `${key} must be a token id, got ${JSON.stringify(c[key])}`);
  return v;
}
