/**
 * A random-weight model at any shape, built in memory (a 0.5B checkpoint would be 2 GB of
 * safetensors to encode and parse for nothing): the config the Hub would have, parsed by the same
 * parseConfig, every tensor expectedTensors lists, the same editable modules. Weight scales follow
 * generate-tiny (norm gains ≈ 1, embeddings 0.5, projections `std`), so activations stay finite.
 */
import { parseConfig } from '../../src/engine/model/config';
import { editableModules, expectedTensors } from '../../src/engine/model/modules';
import type { EditableModule, ModelSpec, Weights } from '../../src/engine/model/spec';
import { Rng } from '../../src/engine/util/rng';
import type { ModelShape } from './shapes';

export interface RandomModel {
  spec: ModelSpec;
  weights: Weights;
  modules: EditableModule[];
}

export function shapeConfig(s: ModelShape, layers = s.layers): Record<string, unknown> {
  if (s.arch === 'gpt2') {
    return {
      model_type: 'gpt2',
      n_embd: s.hidden,
      n_layer: layers,
      n_head: s.heads,
      n_inner: s.intermediate,
      n_positions: s.maxPositions,
      vocab_size: s.vocab,
      layer_norm_epsilon: 1e-5,
      activation_function: 'gelu_new',
      bos_token_id: 0,
      eos_token_id: 0,
    };
  }
  return {
    model_type: s.arch,
    hidden_size: s.hidden,
    num_hidden_layers: layers,
    num_attention_heads: s.heads,
    num_key_value_heads: s.kvHeads,
    intermediate_size: s.intermediate,
    max_position_embeddings: s.maxPositions,
    vocab_size: s.vocab,
    rms_norm_eps: 1e-6,
    rope_theta: s.arch === 'qwen2' ? 1e6 : 1e5,
    tie_word_embeddings: s.tied,
    hidden_act: 'silu',
    bos_token_id: 0,
    eos_token_id: 0,
    ...(s.arch === 'qwen2' ? { use_sliding_window: false, sliding_window: s.maxPositions } : {}),
  };
}

export function randomModel(s: ModelShape, layers = s.layers, seed = 1, std = 0.02): RandomModel {
  const spec = parseConfig(shapeConfig(s, layers), `${s.id} shape`);
  const rng = new Rng(seed);
  const weights: Weights = new Map();
  for (const [name, shape] of expectedTensors(spec)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const [mean, sd] = /(norm|ln_\d|ln_f)\.weight$/.test(name)
      ? [1, 0.1]
      : /(embed_tokens|wte|wpe|lm_head)\.weight$/.test(name)
        ? [0, 0.5]
        : [0, std];
    for (let i = 0; i < n; i++) data[i] = mean + sd * rng.normal();
    weights.set(name, { shape: shape.slice(), data });
  }
  return { spec, weights, modules: editableModules(spec) };
}

export function parameterCount(w: Weights): number {
  let n = 0;
  for (const t of w.values()) n += t.data.length;
  return n;
}
