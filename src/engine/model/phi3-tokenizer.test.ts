/**
 * Phi-3's tokenizer (Llama 2's SentencePiece BPE + Phi-3's added tokens, assembled in
 * phi3-tokenizer-fixture.ts) through the lab's makeTokenizer. Literal ids: Llama 2's as transformers
 * gives them — "Hello world!" → 15043 3186 29991 (llama-tokenizer-js's README) and the edge cases of
 * that package's runTests (leading spaces, tabs, newlines, byte fallback); each is also the vocabulary's
 * id of the piece written beside it, and scripts/tokenizers/reference-bpe.py (no tokenizer library) gives
 * the same ids and pieces from the assembled file. The package's own BPE (a separate JS implementation) must give the
 * lab's ids on 300 seeded strings, and decoding must give each string back.
 */
import { describe, expect, it } from 'vitest';
import { tokenizePair } from '../run/batching';
import { parseConfig } from './config';
import { largeConfig } from './large-configs';
import { llamaJs, PHI3_ADDED, PHI3_TOKENIZER_CONFIG, phi3TokenizerJson } from './phi3-tokenizer-fixture';
import { seededStrings, vocabIds } from './real-tokenizer-fixtures';
import { makeTokenizer } from './tokenizer';

/** [text, pieces, ids], encoded without special tokens: "▁" is prepended and spaces become "▁". */
const CASES: [string, string[], number[]][] = [
  ['Hello world!', ['▁Hello', '▁world', '!'], [15043, 3186, 29991]],
  ['The capital of France is', ['▁The', '▁capital', '▁of', '▁France', '▁is'], [450, 7483, 310, 3444, 338]],
  // UltraEdit's " " + answer: "▁▁Paris" has no merge past "▁" + "▁Paris".
  [' Paris', ['▁', '▁Paris'], [29871, 3681]],
  ['grabbed', ['▁gra', 'bb', 'ed'], [2646, 1327, 287]],
  ['           grabbed', ['▁▁▁▁▁▁▁▁▁▁▁', '▁gra', 'bb', 'ed'], [9651, 2646, 1327, 287]],
  [' \n', ['▁▁', '<0x0A>'], [259, 13]],
  ['ax\n####\nboo', ['▁ax', '<0x0A>', '####', '<0x0A>', 'bo', 'o'], [4853, 13, 4136, 13, 833, 29877]],
  [' 1889', ['▁▁', '1', '8', '8', '9'], [259, 29896, 29947, 29947, 29929]],
  ['镇', ['▁', '镇'], [29871, 30411]],
  // 🦙 (U+1F999) is not a piece: byte fallback to F0 9F A6 99.
  ['🦙', ['▁', '<0xF0>', '<0x9F>', '<0xA6>', '<0x99>'], [29871, 243, 162, 169, 156]],
];

describe('Phi-3 tokenizer (Llama 2 SentencePiece BPE + added tokens)', () => {
  const json = phi3TokenizerJson();
  const tok = makeTokenizer(json, PHI3_TOKENIZER_CONFIG);
  const vocab = new Map(Object.entries((json.model as { vocab: Record<string, number> }).vocab));
  PHI3_ADDED.forEach((t, i) => vocab.set(t, 32000 + i));

  it('has Llama 2’s 32,000 pieces and 61,249 merges; encodes known strings to Llama 2’s ids', () => {
    expect([vocab.size, (json.model as { merges: string[] }).merges.length]).toEqual([32000 + PHI3_ADDED.length, 61249]);
    for (const [text, pieces, ids] of CASES) {
      expect(vocabIds(vocab, pieces), text).toEqual(ids);
      expect(tok.encode(text, false), text).toEqual(ids);
      expect(tok.decode(ids), text).toBe(text);
    }
  });

  it('follows Phi-3’s tokenizer_config: no BOS added, eos = pad = <|endoftext|> (32000), fits Phi-3-mini’s 32,064 rows', () => {
    expect(tok.encode('The capital of France is', true)).toEqual(CASES[1][2]);
    expect([tok.eosId, tok.padId, tok.vocabSize]).toEqual([32000, 32000, 32011]);
    expect(vocabIds(vocab, ['<|end|>', '<|user|>', '<|assistant|>'])).toEqual([32007, 32010, 32001]);
    expect(tok.vocabSize).toBeLessThanOrEqual(parseConfig(largeConfig('microsoft/Phi-3-mini-4k-instruct').config).vocabSize);
    // UltraEdit's edit tokenization: prompt ids, then the answer's ids shifted into the labels.
    const pair = tokenizePair(tok, { id: 0, prompt: 'The capital of France is', target: 'Paris' });
    expect(pair.inputIds).toEqual([450, 7483, 310, 3444, 338, 29871]);
    expect(pair.labels).toEqual([-100, -100, -100, -100, 29871, 3681]);
  });

  it('gives the ids of llama-tokenizer-js’s separate BPE on 300 seeded strings, and decodes them back', () => {
    const pool = ['the', 'The', ' capital', 'Paris', 'naïve', 'Zürich', '東京', '𠮷', '🦙', '👩‍💻', '1889', '3.14', "'s", "n't"];
    pool.push(' ', '  ', '\n', '\t', '—', 'Москва', '!?', 'Ꙋ', 'grabbed');
    const bad: string[] = [];
    for (const s of seededStrings(pool, 300, 3)) {
      const ours = tok.encode(s, false);
      const theirs = llamaJs.encode(s, false, true);
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) bad.push(`${JSON.stringify(s)}: ${ours} vs ${theirs}`);
      if (tok.decode(ours) !== s) bad.push(`decode ${JSON.stringify(s)} → ${JSON.stringify(tok.decode(ours))}`);
    }
    expect(bad).toEqual([]);
  });
});
