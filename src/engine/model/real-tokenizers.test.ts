/**
 * The lab's tokenizer (makeTokenizer → @huggingface/tokenizers) on the real tokenizer files of Mistral-7B
 * and Gemma 3 (SentencePiece BPE with byte fallback), Llama 3 and Qwen3 (byte-level BPE); see
 * real-tokenizer-fixtures.ts.
 *
 * Expected ids are not taken from the lab's code. Each literal below was derived from tokenizer.json alone
 * — pre-tokenizer regex, merges by rank, byte fallback — by scripts/tokenizers/reference-bpe.py (no tokenizer library), and is checked
 * here twice more: every id must be the vocabulary's id of the token string written next to it, and the
 * package's own tokenizer (@lenml/tokenizers, a separate JS implementation) must give the same ids.
 * That script also gives the same ids as the lab on all 300 seeded strings below, for the Mistral, Llama 3 and
 * Qwen3 files (Gemma 3: on the literals here; the seeded strings are checked against @lenml only).
 * Byte-level token strings use GPT-2's byte→char map: "Ġ" = space, "æĹ¥æľ¬" = the UTF-8 bytes of "日本".
 */
import { readFileSync } from 'node:fs';
import { TokenizerLoader } from '@lenml/tokenizers';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../util/rng';
import { nodeFolder } from '../io/node-files';
import { loadTokenizer, makeTokenizer } from './tokenizer';
import { loadRealTokenizer, vocabIds, type RealTokenizer, type RealTokenizerName } from './real-tokenizer-fixtures';

type Lenml = ReturnType<typeof TokenizerLoader.fromPreTrained>;

/** [text, token strings, ids] — encoded without special tokens. */
type Case = [string, string[], number[]];

const CASES: Record<RealTokenizerName, Case[]> = {
  // SentencePiece: the normalizer prepends "▁" and turns spaces into "▁", so " " + answer starts "▁▁".
  // "▁▁" is a piece, and "▁▁P…" has no merge into "▁▁Paris", so a leading word splits as "▁" + "▁Paris".
  mistral: [
    ['The capital of France is', ['▁The', '▁capital', '▁of', '▁France', '▁is'], [415, 5565, 302, 4843, 349]],
    ['Paris', ['▁Paris'], [5465]],
    [' Paris', ['▁', '▁Paris'], [28705, 5465]],
    [' 1889', ['▁▁', '1', '8', '8', '9'], [259, 28740, 28783, 28783, 28774]], // digits never merge in Mistral's vocab
    [' (1952)', ['▁', '▁(', '1', '9', '5', '2', ')'], [28705, 325, 28740, 28774, 28782, 28750, 28731]],
    [' .com', ['▁', '▁.', 'com'], [28705, 842, 675]],
    [' ,', ['▁', '▁,'], [28705, 1200]],
    [" 'll", ['▁', "▁'", 'll'], [28705, 464, 584]],
    [' 日本', ['▁▁', '日', '本'], [259, 29142, 29119]],
    // 𠮷 (U+20BB7) is not a piece: byte fallback to its UTF-8 bytes F0 A0 AE B7.
    [' 𠮷', ['▁▁', '<0xF0>', '<0xA0>', '<0xAE>', '<0xB7>'], [259, 243, 163, 177, 186]],
    // 🦙 (U+1F999) is not a piece either: bytes F0 9F A6 99.
    [' 🦙 Llama', ['▁▁', '<0xF0>', '<0x9F>', '<0xA6>', '<0x99>', '▁L', 'l', 'ama'], [259, 243, 162, 169, 156, 393, 28714, 2786]],
    [' Москва', ['▁', '▁Моск', 'ва'], [28705, 22288, 870]],
    ['Столица России —', ['▁С', 'то', 'ли', 'ца', '▁России', '▁—'], [1406, 914, 922, 5394, 19180, 1040]],
    ['Zürich liegt in der', ['▁Z', 'ür', 'ich', '▁liegt', '▁in', '▁der'], [1054, 2355, 539, 18610, 297, 891]],
  ],
  // Byte-level BPE: " Paris" is one pre-token and one token "ĠParis"; digits go in runs of up to three.
  llama3: [
    ['The capital of France is', ['The', 'Ġcapital', 'Ġof', 'ĠFrance', 'Ġis'], [791, 6864, 315, 9822, 374]],
    ['Paris', ['Paris'], [60704]],
    [' Paris', ['ĠParis'], [12366]],
    // The regex splits " 1889" into " " and "188" "9" (\p{N}{1,3}), so a digit answer starts with "Ġ".
    [' 1889', ['Ġ', '188', '9'], [220, 9367, 24]],
    [' (1952)', ['Ġ(', '195', '2', ')'], [320, 6280, 17, 8]],
    [' .com', ['Ġ.', 'com'], [662, 884]],
    [' ,', ['Ġ,'], [1174]],
    [" 'll", ["Ġ'", 'll'], [364, 657]],
    [' 日本', ['ĠæĹ¥æľ¬'], [105180]],
    // " 𠮷" = 20 F0 A0 AE B7: only "Ġð" (20 F0) merges.
    [' 𠮷', ['Ġð', 'ł', '®', '·'], [109697, 254, 106, 115]],
    [' 🦙 Llama', ['ĠðŁ', '¦', 'Ļ', 'ĠL', 'lama'], [11410, 99, 247, 445, 81101]],
    [' Москва', ['ĠÐľÐ¾ÑģÐºÐ²Ð°'], [116050]],
    ['Столица России —', ['Ð¡ÑĤ', 'Ð¾Ð»Ð¸', 'ÑĨÐ°', 'ĠÐłÐ¾ÑģÑģÐ¸Ð¸', 'ĠâĢĶ'], [74598, 101745, 87994, 108190, 2001]],
    ['Zürich liegt in der', ['Z', 'Ã¼r', 'ich', 'Ġliegt', 'Ġin', 'Ġder'], [57, 5297, 718, 65040, 304, 2761]],
  ],
  // Qwen's regex takes digits one at a time (\p{N}), and its merges differ from Llama 3's.
  qwen3: [
    ['The capital of France is', ['The', 'Ġcapital', 'Ġof', 'ĠFrance', 'Ġis'], [785, 6722, 315, 9625, 374]],
    ['Paris', ['Paris'], [59604]],
    [' Paris', ['ĠParis'], [12095]],
    [' 1889', ['Ġ', '1', '8', '8', '9'], [220, 16, 23, 23, 24]],
    [' (1952)', ['Ġ(', '1', '9', '5', '2', ')'], [320, 16, 24, 20, 17, 8]],
    [' .com', ['Ġ.', 'com'], [659, 874]],
    [' ,', ['Ġ,'], [1154]],
    [" 'll", ["Ġ'", 'll'], [364, 654]],
    [' 日本', ['ĠæĹ¥', 'æľ¬'], [75402, 21894]],
    // "ðł®·" (all four bytes of 𠮷) is a token, but there is no merge "Ġ" + "ðł®·".
    [' 𠮷', ['Ġ', 'ðł®·'], [220, 150152]],
    [' 🦙 Llama', ['ĠðŁ', '¦', 'Ļ', 'ĠL', 'lama'], [11162, 99, 247, 444, 80001]],
    [' Москва', ['ĠÐľÐ¾ÑģÐºÐ²Ð°'], [137639]],
    ['Столица России —', ['Ð¡ÑĤ', 'Ð¾Ð»', 'Ð¸', 'ÑĨÐ°', 'ĠÐłÐ¾ÑģÑģÐ¸Ð¸', 'ĠâĢĶ'], [73498, 7819, 1802, 86894, 129069, 1959]],
    ['Zürich liegt in der', ['Z', 'Ã¼r', 'ich', 'Ġliegt', 'Ġin', 'Ġder'], [57, 5186, 713, 63940, 304, 2694]],
  ],
  // Gemma 3: spaces become "▁" with none prepended, so " Paris" is the single piece "▁Paris"; digits
  // are single pieces; 𠮷 and 🦙 fall back to bytes.
  gemma3: [
    ['The capital of France is', ['The', '▁capital', '▁of', '▁France', '▁is'], [818, 5279, 529, 7001, 563]],
    ['Paris', ['Paris'], [50429]],
    [' Paris', ['▁Paris'], [9079]],
    [' 1889', ['▁', '1', '8', '8', '9'], [236743, 236770, 236828, 236828, 236819]],
    [' (1952)', ['▁(', '1', '9', '5', '2', ')'], [568, 236770, 236819, 236810, 236778, 236768]],
    [' .com', ['▁.', 'com'], [783, 854]],
    [' 日本', ['▁日本'], [33375]],
    [' 𠮷', ['▁', '<0xF0>', '<0xA0>', '<0xAE>', '<0xB7>'], [236743, 478, 398, 412, 421]],
    [' 🦙 Llama', ['▁', '<0xF0>', '<0x9F>', '<0xA6>', '<0x99>', '▁L', 'lama'], [236743, 478, 397, 404, 391, 639, 49751]],
    [' Москва', ['▁Москва'], [99776]],
    ['Zürich liegt in der', ['Z', 'ürich', '▁liegt', '▁in', '▁der'], [236953, 105214, 41633, 528, 1556]],
    ['  two  spaces', ['▁▁', 'two', '▁▁', 'spaces'], [138, 13498, 138, 35220]],
  ],
};

/**
 * How transformers prints the ids of " " + answer (and of single tokens, as the probe's top-k shows them).
 * Mistral's decoder strips one leading space, so "▁▁Paris" → " Paris" but "▁Paris" alone → "Paris".
 * Llama 3's config has clean_up_tokenization_spaces: true, so " ." and " ," lose their space (transformers'
 * clean_up_tokenization; " 'll" is not in its list and keeps it). Qwen3 prints the text back as it was.
 */
const DECODED: Record<RealTokenizerName, [number[], string][]> = {
  mistral: [
    [[28705, 5465], ' Paris'],
    [[5465], 'Paris'],
    [[28705], ''],
    [[259, 243, 163, 177, 186], ' 𠮷'],
    [[243, 163, 177], '\ufffd'], // an incomplete byte sequence prints as one U+FFFD
    [[28705, 842, 675], ' .com'],
    [[1, 415, 5565], '<s> The capital'],
  ],
  llama3: [
    [[12366], ' Paris'],
    [[1174], ','],
    [[662, 884], '.com'],
    [[364, 657], " 'll"],
    [[220, 9367, 24], ' 1889'],
    [[109697, 254, 106, 115], ' 𠮷'],
    [[128000, 791], '<|begin_of_text|>The'],
  ],
  qwen3: [
    [[12095], ' Paris'],
    [[1154], ' ,'],
    [[659, 874], ' .com'],
    [[220, 150152], ' 𠮷'],
    [[137639], ' Москва'],
    [[151645], '<|im_end|>'],
  ],
  // Gemma's decoder maps "▁" back to " " and strips nothing.
  gemma3: [
    [[9079], ' Paris'],
    [[50429], 'Paris'],
    [[236743, 478, 398, 412, 421], ' 𠮷'],
    [[783, 854], ' .com'],
    [[2, 818], '<bos>The'],
  ],
};

const NAMES = Object.keys(CASES) as RealTokenizerName[];
const real = {} as Record<RealTokenizerName, RealTokenizer>;
const lenml = {} as Record<RealTokenizerName, Lenml>;

beforeAll(() => {
  for (const name of NAMES) {
    real[name] = loadRealTokenizer(name);
    const { dir } = real[name];
    lenml[name] = TokenizerLoader.fromPreTrained({
      tokenizerJSON: JSON.parse(readFileSync(`${dir}/tokenizer.json`, 'utf8')),
      tokenizerConfig: JSON.parse(readFileSync(`${dir}/tokenizer_config.json`, 'utf8')),
    });
  }
}, 120_000);

const lenmlEncode = (name: RealTokenizerName, text: string, special: boolean): number[] =>
  lenml[name].encode(text, { add_special_tokens: special });

describe.each(NAMES)('%s tokenizer.json', (name) => {
  it.each(CASES[name])('encodes %j as its vocabulary pieces', (text, pieces, ids) => {
    const { tok, vocab } = real[name];
    expect(vocabIds(vocab, pieces)).toEqual(ids);
    expect(tok.encode(text, false)).toEqual(ids);
    expect(lenmlEncode(name, text, false)).toEqual(ids);
  });

  it('decodes answer ids and single tokens as transformers prints them', () => {
    for (const [ids, text] of DECODED[name]) {
      expect(real[name].tok.decode(ids), JSON.stringify(ids)).toBe(text);
      expect(lenml[name].decode(ids), `@lenml ${JSON.stringify(ids)}`).toBe(text);
    }
  });
});

describe('BOS, EOS and pad from tokenizer_config.json', () => {
  it('mistral: add_bos_token true puts <s> (1) first; no pad_token → pad = eos = </s> (2)', () => {
    const { tok, vocab, config } = real.mistral;
    expect([config.add_bos_token, config.pad_token, config.eos_token]).toEqual([true, null, '</s>']);
    expect(vocabIds(vocab, ['<s>', '</s>'])).toEqual([1, 2]);
    expect(tok.encode('The capital of France is', true)).toEqual([1, 415, 5565, 302, 4843, 349]);
    expect(tok.encode(' Paris', true)).toEqual([1, 28705, 5465]);
    expect([tok.eosId, tok.padId, tok.vocabSize]).toEqual([2, 2, 32000]);
  });

  it('llama3: this tokenizer.json has no template, so no <|begin_of_text|>; no pad_token → pad = eos = 128001', () => {
    const { tok, vocab, config } = real.llama3;
    expect(config.pad_token).toBeUndefined();
    expect(vocabIds(vocab, ['<|begin_of_text|>', '<|end_of_text|>'])).toEqual([128000, 128001]);
    expect(tok.encode('The capital of France is', true)).toEqual([791, 6864, 315, 9822, 374]);
    expect(lenmlEncode('llama3', 'The capital of France is', true)).toEqual([791, 6864, 315, 9822, 374]);
    // 128,000 BPE ids + 256 reserved/special ids.
    expect([tok.eosId, tok.padId, tok.vocabSize]).toEqual([128001, 128001, 128256]);
  });

  it("llama3 with the Hub's later post-processor (ByteLevel then a <|begin_of_text|> template, as Llama 3.x ships) adds BOS 128000", () => {
    const json = JSON.parse(readFileSync(`${real.llama3.dir}/tokenizer.json`, 'utf8'));
    const bos = { SpecialToken: { id: '<|begin_of_text|>', type_id: 0 } };
    json.post_processor = {
      type: 'Sequence',
      processors: [
        json.post_processor,
        {
          type: 'TemplateProcessing',
          single: [bos, { Sequence: { id: 'A', type_id: 0 } }],
          pair: [
            bos,
            { Sequence: { id: 'A', type_id: 0 } },
            { SpecialToken: { id: '<|begin_of_text|>', type_id: 1 } },
            { Sequence: { id: 'B', type_id: 1 } },
          ],
          special_tokens: { '<|begin_of_text|>': { id: '<|begin_of_text|>', ids: [128000], tokens: ['<|begin_of_text|>'] } },
        },
      ],
    };
    const tok = makeTokenizer(json, real.llama3.config);
    expect(tok.encode('The capital of France is', true)).toEqual([128000, 791, 6864, 315, 9822, 374]);
    expect(tok.encode(' Paris', false)).toEqual([12366]);
  });

  it('qwen3: add_bos_token false and bos_token null → nothing added; pad <|endoftext|> (151643) ≠ eos <|im_end|> (151645)', () => {
    const { tok, vocab, config } = real.qwen3;
    expect([config.add_bos_token, config.bos_token]).toEqual([false, null]);
    expect(vocabIds(vocab, ['<|endoftext|>', '<|im_end|>'])).toEqual([151643, 151645]);
    expect(tok.encode('The capital of France is', true)).toEqual([785, 6722, 315, 9625, 374]);
    expect([tok.eosId, tok.padId, tok.vocabSize]).toEqual([151645, 151643, 151669]);
  });

  it('gemma3: GemmaTokenizer add_bos_token true puts <bos> (2) first; eos <end_of_turn> (106), pad <pad> (0)', () => {
    const { tok, vocab, config } = real.gemma3;
    expect([config.tokenizer_class, config.add_bos_token, config.eos_token, config.pad_token]).toEqual([
      'GemmaTokenizer',
      true,
      '<end_of_turn>',
      '<pad>',
    ]);
    expect(vocabIds(vocab, ['<pad>', '<eos>', '<bos>', '<end_of_turn>'])).toEqual([0, 1, 2, 106]);
    expect(tok.encode('The capital of France is', true)).toEqual([2, 818, 5279, 529, 7001, 563]);
    expect(tok.encode(' Paris', false)).toEqual([9079]);
    // 262,144 pieces and <image_soft_token> (262,144, special) past the text models' 262,144-row embedding,
    // which the loader accepts because it is special.
    expect([tok.eosId, tok.padId, tok.vocabSize]).toEqual([106, 0, 262145]);
    expect(vocabIds(vocab, ['<image_soft_token>'])).toEqual([262144]);
    expect(tok.specialIds?.has(262144)).toBe(true);
    // add_bos_token false (as a fine-tune may set it): the rebuilt template drops <bos>.
    const json = JSON.parse(readFileSync(`${real.gemma3.dir}/tokenizer.json`, 'utf8'));
    expect(makeTokenizer(json, { ...config, add_bos_token: false }).encode('The capital', true)).toEqual([818, 5279]);
  });

  it('mistral: loadTokenizer reads the same two files from the package folder', async () => {
    const tok = await loadTokenizer(nodeFolder(real.mistral.dir));
    expect(tok.encode('The capital of France is', true)).toEqual([1, 415, 5565, 302, 4843, 349]);
    expect([tok.eosId, tok.padId, tok.vocabSize]).toEqual([2, 2, 32000]);
  });

  it('mistral: add_bos_token false drops <s>, add_eos_token true appends </s> (LlamaTokenizer rebuilds its template)', () => {
    const json = JSON.parse(readFileSync(`${real.mistral.dir}/tokenizer.json`, 'utf8'));
    const flipped = makeTokenizer(json, { ...real.mistral.config, add_bos_token: false, add_eos_token: true });
    expect(flipped.encode(' Paris', true)).toEqual([28705, 5465, 2]);
    expect(flipped.encode(' Paris', false)).toEqual([28705, 5465]);
  });
});

// Pieces the generator strings are built from: Latin, accents, CJK (common and outside the BMP),
// emoji (ZWJ sequences, skin tones, flags), digits, punctuation, contractions, other scripts, full-width
// forms and ligatures, spacing, and special tokens typed as text (matched as their ids, cutting the text).
const POOL = [
  'the',
  'The',
  'capital',
  'Paris',
  'LLaMA',
  'x',
  'Q',
  'naïve',
  'cafe\u0301',
  'Zürich',
  'São',
  'Ångström',
  'façade',
  'Œuvre',
  '東京',
  '日本語',
  '北京大学',
  '𠮷',
  '𩸽',
  'こんにちは',
  'カタカナ',
  '한국어',
  'Москва',
  'Ελλάδα',
  'مرحبا',
  'हिन्दी',
  'ไทย',
  '🙂',
  '🦙',
  '👩‍💻',
  '👍🏽',
  '🇫🇷',
  '❤️',
  '0',
  '7',
  '42',
  '1889',
  '123456',
  '3.14',
  '1,000',
  '-5',
  '½',
  '٣',
  '.',
  ',',
  '?',
  '!',
  '(',
  ')',
  '"',
  "'",
  '—',
  '…',
  '«',
  '»',
  '$',
  '%',
  '#',
  '@',
  '::',
  '->',
  '...',
  "'s",
  "'LL",
  "n't",
  'ﬁne',
  'Ａ１',
  '<s>',
  '</s>',
  '<unk>',
  '<|endoftext|>',
  '<|im_end|>',
];
const GAPS = ['', ' ', ' ', ' ', '  ', '\t', '\n', ' \n', '\r\n', '\u00a0', '\u3000'];

function seededStrings(seed: number, n: number): string[] {
  const rng = new Rng(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let s = rng.uniform() < 0.3 ? GAPS[rng.int(GAPS.length)] : '';
    const parts = 1 + rng.int(7);
    for (let k = 0; k < parts; k++) s += POOL[rng.int(POOL.length)] + (k + 1 < parts ? GAPS[rng.int(GAPS.length)] : '');
    if (rng.uniform() < 0.2) s += GAPS[rng.int(GAPS.length)];
    out.push(s);
  }
  return out;
}

describe('agreement with @lenml/tokenizers on seeded strings', () => {
  const strings = seededStrings(15, 300);

  it.each(NAMES)('%s: same ids (with and without special tokens) and same decoded text', (name) => {
    const { tok } = real[name];
    const bad: string[] = [];
    for (const s of strings) {
      for (const special of [false, true]) {
        const ours = tok.encode(s, special);
        const theirs = lenmlEncode(name, s, special);
        if (JSON.stringify(ours) !== JSON.stringify(theirs)) bad.push(`${JSON.stringify(s)} ${special}: ${ours} vs ${theirs}`);
      }
      const ids = tok.encode(' ' + s, false);
      if (tok.decode(ids) !== lenml[name].decode(ids)) bad.push(`decode ${JSON.stringify(s)}`);
    }
    expect(bad).toEqual([]);
  });
});
