/**
 * Tiny seeded checkpoints in the Hub's layout (config.json, model.safetensors or shards + index,
 * tokenizer.json, tokenizer_config.json) for every architecture, so tests and demos exercise the same
 * loading path as real Hub models. Engine code (no node: imports); see write-tiny.ts to write
 * one to disk.
 */
import { encodeSafetensors, type TensorToWrite } from '../safetensors/encode';
import { Rng } from '../util/rng';
import { parseConfig } from './config';
import { expectedTensors } from './modules';
import type { Architecture } from './spec';
import { tinyFamilyConfig } from './tiny-family-configs';
import { byteLevelTokenizerJson, TINY_CORPUS, trainBpe, type SpecialTokens } from './tiny-tokenizer';

export interface TinyOptions {
  arch: Architecture;
  seed: number;
  hidden?: number;
  layers?: number;
  heads?: number;
  /** GQA: fewer kv heads than heads (ignored for gpt2). Default: heads/2. */
  kvHeads?: number;
  /** MLP width; gpt2 default is config's n_inner null → 4·hidden. */
  intermediate?: number;
  maxPositions?: number;
  /** Untied lm_head when false (llama/mistral default false, qwen2 true; gpt2 is always tied). */
  tied?: boolean;
  dtype?: 'F32' | 'F16' | 'BF16';
  /** BPE merges learned on the corpus (vocab ≈ 256 + merges + specials). */
  merges?: number;
  /** >1 writes model-0000k-of-0000n.safetensors shards and model.safetensors.index.json. */
  shards?: number;
  /** llama: add a Llama 3.1-style rope_scaling block. */
  ropeScaling?: boolean;
  /** llama: `mlp_bias: true` (biases on gate/up/down_proj). */
  mlpBias?: boolean;
  /** gpt2: write tensor names with the `transformer.` prefix (default: without, as openai-community/gpt2). */
  gpt2Prefix?: boolean;
  /** Std of projection weights (embeddings use 0.5 so the tied head gives spread-out logits). */
  std?: number;
  /** Sliding window of the local layers (gemma2/gemma3_text/phi3/qwen3; tiny defaults bind at T ≥ 4). */
  window?: number | null;
  /** phi3: original_max_position_embeddings (LongRoPE's long factors past it; default 16). */
  originalMax?: number;
}

const SPECIALS: Record<
  Architecture,
  SpecialTokens & { eos: string; pad: string | null; tokenizerClass: string; extra?: Record<string, unknown> }
> = {
  gpt2: { leading: [], trailing: ['<|endoftext|>'], bos: null, eos: '<|endoftext|>', pad: null, tokenizerClass: 'GPT2Tokenizer' },
  llama: {
    leading: [],
    trailing: ['<|begin_of_text|>', '<|end_of_text|>'],
    bos: '<|begin_of_text|>',
    eos: '<|end_of_text|>',
    pad: null,
    tokenizerClass: 'PreTrainedTokenizerFast',
  },
  qwen2: {
    leading: [],
    trailing: ['<|endoftext|>', '<|im_start|>', '<|im_end|>'],
    bos: null,
    eos: '<|endoftext|>',
    pad: '<|endoftext|>',
    tokenizerClass: 'Qwen2Tokenizer',
  },
  gptj: { leading: [], trailing: ['<|endoftext|>'], bos: null, eos: '<|endoftext|>', pad: null, tokenizerClass: 'GPT2Tokenizer' },
  qwen3: {
    leading: [],
    trailing: ['<|endoftext|>', '<|im_start|>', '<|im_end|>'],
    bos: null,
    eos: '<|endoftext|>',
    pad: '<|endoftext|>',
    tokenizerClass: 'Qwen2Tokenizer',
  },
  // Gemma's ids 0–3 are <pad>, <eos>, <bos>, <unk>; GemmaTokenizer adds BOS as LlamaTokenizer does.
  gemma2: {
    leading: ['<pad>', '<eos>', '<bos>', '<unk>'],
    trailing: [],
    bos: '<bos>',
    eos: '<eos>',
    pad: '<pad>',
    tokenizerClass: 'GemmaTokenizer',
    extra: { add_bos_token: true, add_eos_token: false, unk_token: '<unk>' },
  },
  gemma3_text: {
    leading: ['<pad>', '<eos>', '<bos>', '<unk>'],
    trailing: [],
    bos: '<bos>',
    eos: '<eos>',
    pad: '<pad>',
    tokenizerClass: 'GemmaTokenizer',
    extra: { add_bos_token: true, add_eos_token: false, unk_token: '<unk>' },
  },
  // Phi-3's tokenizer_config: LlamaTokenizer, add_bos_token false, eos and pad <|endoftext|>.
  phi3: {
    leading: ['<unk>', '<s>', '</s>'],
    trailing: ['<|endoftext|>'],
    bos: '<s>',
    eos: '<|endoftext|>',
    pad: '<|endoftext|>',
    tokenizerClass: 'LlamaTokenizer',
    extra: { add_bos_token: false, add_eos_token: false, unk_token: '<unk>' },
  },
  // Mistral's real tokenizer is SentencePiece-style; here it is byte-level BPE with Mistral's special
  // tokens and LlamaTokenizer's add_bos_token handling, which is what the loader has to get right.
  mistral: {
    leading: ['<unk>', '<s>', '</s>'],
    trailing: [],
    bos: '<s>',
    eos: '</s>',
    pad: null,
    tokenizerClass: 'LlamaTokenizer',
    extra: { add_bos_token: true, add_eos_token: false, unk_token: '<unk>' },
  },
};

/** The tiny byte-level BPE tokenizer files for an architecture's special tokens, and their ids. */
export function tinyTokenizerFiles(
  arch: Architecture,
  merges = 120,
): { tokenizerJson: unknown; tokenizerConfig: Record<string, unknown>; vocab: number; bosId: number; eosId: number } {
  const sp = SPECIALS[arch];
  const { json, ids } = byteLevelTokenizerJson(trainBpe(TINY_CORPUS, merges).merges, sp);
  return {
    tokenizerJson: json,
    tokenizerConfig: tokenizerConfig(arch),
    vocab: ids.size,
    bosId: sp.bos ? ids.get(sp.bos)! : ids.get(sp.eos)!,
    eosId: ids.get(sp.eos)!,
  };
}

export function tinyCheckpoint(opts: TinyOptions): Map<string, Uint8Array | string> {
  const { arch } = opts;
  const tok = tinyTokenizerFiles(arch, opts.merges);
  const tokVocab = tok.vocab;
  // Qwen pads its embedding past the tokenizer's vocabulary; mimic that to exercise the check.
  const vocabSize = arch === 'qwen2' ? Math.ceil((tokVocab + 1) / 16) * 16 : tokVocab;
  const config = makeConfig(opts, vocabSize, tok.bosId, tok.eosId);
  const spec = parseConfig(config);

  const rng = new Rng(opts.seed);
  const std = opts.std ?? 0.1;
  const dtype = opts.dtype ?? 'F32';
  const tensors: Record<string, TensorToWrite> = {};
  for (const [name, shape] of expectedTensors(spec)) {
    const n = shape.reduce((a, b) => a * b, 1);
    let data: Float64Array;
    // Gemma's norms scale by (1 + w): zero-centred weights.
    const centre = spec.normPlusOne ? 0 : 1;
    if (/(norm|ln_\d|ln_f)\.weight$/.test(name)) data = Float64Array.from({ length: n }, () => centre + 0.1 * rng.normal());
    else if (/(embed_tokens|wte|wpe|lm_head)\.weight$/.test(name)) data = rng.normals(n, 0.5) as Float64Array;
    else data = rng.normals(n, std) as Float64Array;
    const fileName = arch === 'gpt2' && !opts.gpt2Prefix ? name.replace(/^transformer\./, '') : name;
    tensors[fileName] = { dtype, shape, data };
  }
  if (arch === 'gpt2') {
    // The Hub's gpt2 files carry the causal-mask buffers; the loader must skip them.
    const P = spec.maxPositions;
    for (let l = 0; l < spec.layers; l++) {
      const mask = new Float64Array(P * P);
      for (let i = 0; i < P; i++) for (let j = 0; j <= i; j++) mask[i * P + j] = 1;
      tensors[`${opts.gpt2Prefix ? 'transformer.' : ''}h.${l}.attn.bias`] = { dtype, shape: [1, 1, P, P], data: mask };
    }
  }

  const files = new Map<string, Uint8Array | string>();
  files.set('config.json', JSON.stringify(config, null, 2));
  files.set('tokenizer.json', JSON.stringify(tok.tokenizerJson));
  files.set('tokenizer_config.json', JSON.stringify(tok.tokenizerConfig, null, 2));
  const shards = opts.shards ?? 1;
  const metadata = { format: 'pt' };
  if (shards <= 1) {
    files.set('model.safetensors', encodeSafetensors(tensors, metadata));
    return files;
  }
  const names = Object.keys(tensors);
  const weightMap: Record<string, string> = {};
  let totalSize = 0;
  for (let s = 0; s < shards; s++) {
    const file = `model-${String(s + 1).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors`;
    const part: Record<string, TensorToWrite> = {};
    names.slice(Math.floor((s * names.length) / shards), Math.floor(((s + 1) * names.length) / shards)).forEach((n) => {
      part[n] = tensors[n];
      weightMap[n] = file;
    });
    const bytes = encodeSafetensors(part, metadata);
    totalSize += bytes.length;
    files.set(file, bytes);
  }
  files.set('model.safetensors.index.json', JSON.stringify({ metadata: { total_size: totalSize }, weight_map: weightMap }, null, 2));
  return files;
}

function makeConfig(o: TinyOptions, vocabSize: number, bosId: number, eosId: number): Record<string, unknown> {
  const hidden = o.hidden ?? 16;
  const heads = o.heads ?? 4;
  const layers = o.layers ?? 2;
  const maxPositions = o.maxPositions ?? 64;
  const torchDtype = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' }[o.dtype ?? 'F32'];
  if (o.arch !== 'llama' && o.arch !== 'qwen2' && o.arch !== 'mistral' && o.arch !== 'gpt2')
    return tinyFamilyConfig({ ...o, arch: o.arch, hidden, heads, layers, maxPositions, torchDtype }, vocabSize, bosId, eosId);
  if (o.arch === 'gpt2') {
    return {
      architectures: ['GPT2LMHeadModel'],
      model_type: 'gpt2',
      activation_function: 'gelu_new',
      attn_pdrop: 0.1,
      embd_pdrop: 0.1,
      resid_pdrop: 0.1,
      initializer_range: 0.02,
      layer_norm_epsilon: 1e-5,
      n_ctx: maxPositions,
      n_embd: hidden,
      n_head: heads,
      n_inner: o.intermediate ?? null,
      n_layer: layers,
      n_positions: maxPositions,
      vocab_size: vocabSize,
      bos_token_id: bosId,
      eos_token_id: eosId,
      torch_dtype: torchDtype,
      transformers_version: '4.46.0',
    };
  }
  const base: Record<string, unknown> = {
    architectures: [{ llama: 'LlamaForCausalLM', qwen2: 'Qwen2ForCausalLM', mistral: 'MistralForCausalLM' }[o.arch]],
    model_type: o.arch,
    attention_dropout: 0.0,
    bos_token_id: bosId,
    eos_token_id: eosId,
    hidden_act: 'silu',
    hidden_size: hidden,
    initializer_range: 0.02,
    intermediate_size: o.intermediate ?? 2 * hidden,
    max_position_embeddings: maxPositions,
    num_attention_heads: heads,
    num_hidden_layers: layers,
    num_key_value_heads: o.kvHeads ?? Math.max(1, heads / 2),
    rms_norm_eps: 1e-5,
    rope_theta: o.arch === 'qwen2' ? 1000000.0 : o.arch === 'mistral' ? 1000000.0 : 500000.0,
    tie_word_embeddings: o.tied ?? o.arch === 'qwen2',
    torch_dtype: torchDtype,
    transformers_version: '4.46.0',
    use_cache: true,
    vocab_size: vocabSize,
  };
  if (o.arch === 'llama') {
    base.attention_bias = false;
    base.mlp_bias = o.mlpBias === true;
    base.head_dim = hidden / heads;
    base.rope_scaling = o.ropeScaling
      ? { factor: 8.0, low_freq_factor: 1.0, high_freq_factor: 4.0, original_max_position_embeddings: 16, rope_type: 'llama3' }
      : null;
  }
  if (o.arch === 'qwen2') {
    base.use_sliding_window = false;
    base.sliding_window = 4096;
    base.max_window_layers = layers;
  }
  if (o.arch === 'mistral') base.sliding_window = null;
  return base;
}

function tokenizerConfig(arch: Architecture): Record<string, unknown> {
  const sp = SPECIALS[arch];
  return {
    add_prefix_space: false,
    bos_token: sp.bos ?? (arch === 'gpt2' ? sp.eos : null),
    eos_token: sp.eos,
    ...(sp.pad ? { pad_token: sp.pad } : {}),
    clean_up_tokenization_spaces: false,
    model_max_length: 1024,
    tokenizer_class: sp.tokenizerClass,
    ...(sp.extra ?? {}),
  };
}
