/**
 * The demo model's shape and its config.json in the Hugging Face Llama layout, so the lab loads it
 * through the same path as any Hub checkpoint (model/config.ts).
 */
import { parseConfig } from '../../../src/engine/model/config';
import type { ModelSpec } from '../../../src/engine/model/spec';

export interface DemoShape {
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  intermediate: number;
  /** Longest sequence the model is meant for (the corpus's longest is 22 tokens). */
  maxPositions: number;
  tied: boolean;
}

export const DEMO_SHAPE: DemoShape = { hidden: 128, layers: 4, heads: 4, kvHeads: 2, intermediate: 384, maxPositions: 64, tied: false };

/** How model.safetensors stores the weights (the loader widens F16 to float32). */
export const DEMO_DTYPE: 'F32' | 'F16' = 'F32';

export interface TokenIds {
  vocabSize: number;
  bosId: number;
  eosId: number;
}

export function demoConfig(shape: DemoShape, tok: TokenIds, dtype: 'F32' | 'F16' = DEMO_DTYPE): Record<string, unknown> {
  if (shape.hidden % shape.heads !== 0) throw new RangeError(`hidden ${shape.hidden} is not divisible by heads ${shape.heads}`);
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    attention_bias: false,
    attention_dropout: 0.0,
    bos_token_id: tok.bosId,
    eos_token_id: tok.eosId,
    head_dim: shape.hidden / shape.heads,
    hidden_act: 'silu',
    hidden_size: shape.hidden,
    initializer_range: 0.02,
    intermediate_size: shape.intermediate,
    max_position_embeddings: shape.maxPositions,
    mlp_bias: false,
    num_attention_heads: shape.heads,
    num_hidden_layers: shape.layers,
    num_key_value_heads: shape.kvHeads,
    rms_norm_eps: 1e-5,
    rope_scaling: null,
    rope_theta: 10000.0,
    tie_word_embeddings: shape.tied,
    torch_dtype: dtype === 'F16' ? 'float16' : 'float32',
    transformers_version: '4.46.0',
    use_cache: true,
    vocab_size: tok.vocabSize,
  };
}

export function demoSpec(shape: DemoShape, tok: TokenIds): ModelSpec {
  return parseConfig(demoConfig(shape, tok), 'demo config');
}
