/**
 * GPT-J's config.json (transformers GPTJConfig; its defaults are GPT-J-6B's): attention and MLP in
 * parallel off ln_1, rotary on the first rotary_dim dims of each head in rotate-every-two pairs,
 * no q/k/v/out_proj bias, fc_in/fc_out with bias, lm_head untied with a bias (docs/design.md §1).
 */
import { InputError } from '../types';
import { num, optInt, tokenId } from './config-fields';
import type { ModelSpec } from './spec';

export function parseGptj(c: Record<string, unknown>, where: string): ModelSpec {
  const hidden = optInt(c, 'n_embd', where) ?? 4096;
  const heads = optInt(c, 'n_head', where) ?? 16;
  if (hidden % heads !== 0) throw new InputError(where, `n_embd ${hidden} is not divisible by n_head ${heads}`);
  const headDim = hidden / heads;
  const act = c.activation_function ?? 'gelu_new';
  if (act !== 'gelu_new' && act !== 'gelu_pytorch_tanh')
    throw new InputError(where, `activation_function ${JSON.stringify(act)} is not supported (gelu_new only)`);
  // transformers builds the sin/cos table of `rotary_dim or n_embd` dims; with rotary_dim null that
  // table is n_embd wide and fits a head only when there is one head, so the lab asks for the field.
  if (c.rotary_dim === null) throw new InputError(where, 'rotary_dim null is not supported (set it to the rotating dims per head)');
  const rotaryDim = optInt(c, 'rotary_dim', where) ?? 64;
  if (rotaryDim % 2 !== 0 || rotaryDim > headDim)
    throw new InputError(where, `rotary_dim ${rotaryDim} must be even and at most the head size n_embd / n_head = ${headDim}`);
  return {
    arch: 'gptj',
    vocabSize: optInt(c, 'vocab_size', where) ?? 50400,
    hidden,
    intermediate: optInt(c, 'n_inner', where) ?? 4 * hidden,
    layers: optInt(c, 'n_layer', where) ?? 28,
    heads,
    kvHeads: heads,
    headDim,
    maxPositions: optInt(c, 'n_positions', where) ?? 2048,
    norm: 'layernorm',
    normEps: num(c, 'layer_norm_epsilon', where, 1e-5),
    act: 'gelu_tanh',
    // GPT-J's sinusoids use base 10000 (create_sinusoidal_positions); the config has no rope_theta.
    rope: { theta: 10000, rotaryDim, interleaved: true },
    qkvBias: false,
    parallelBlock: true,
    lmHeadBias: true,
    tiedEmbeddings: c.tie_word_embeddings === true,
    slidingWindow: null,
    bosId: c.bos_token_id === undefined ? 50256 : tokenId(c, 'bos_token_id', where),
    eosId: c.eos_token_id === undefined ? 50256 : tokenId(c, 'eos_token_id', where),
  };
}
