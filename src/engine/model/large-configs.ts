/**
 * Published config.json (the fields the lab reads) of models too large for a laptop GPU in fp32 but
 * that the lab reads and estimates: the memory estimate and the Node one-layer real-shape capture
 * use them. Copied from each repository's config.json; `params` is counted from the shapes
 * (modules.ts expectedTensors), as the Hub does not state it for these files.
 */
import type { KnownConfig } from './known-configs';

export const LARGE_CONFIGS: readonly KnownConfig[] = [
  {
    // The paper's fourth model (StableEdit Table 6).
    repo: 'EleutherAI/gpt-j-6b',
    params: 6_050_882_784,
    config: {
      model_type: 'gptj',
      architectures: ['GPTJForCausalLM'],
      activation_function: 'gelu_new',
      n_embd: 4096,
      n_head: 16,
      n_inner: null,
      n_layer: 28,
      n_positions: 2048,
      rotary: true,
      rotary_dim: 64,
      layer_norm_epsilon: 1e-5,
      tie_word_embeddings: false,
      vocab_size: 50400,
      bos_token_id: 50256,
      eos_token_id: 50256,
      torch_dtype: 'float32',
    },
  },
];

export function largeConfig(repo: string): KnownConfig {
  const k = LARGE_CONFIGS.find((c) => c.repo === repo);
  if (!k) throw new Error(`no large config for ${repo}`);
  return k;
}
