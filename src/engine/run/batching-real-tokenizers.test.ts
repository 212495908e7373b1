/**
 * A turn's edits tokenized and labelled with the real tokenizer files of Mistral-7B, Llama 3, Qwen3 and Gemma 3
 * (src/engine/model/real-tokenizer-fixtures.ts), exactly as UltraEdit does it:
 *   p = tok(prompt) (default special tokens), a = tok(" " + answer, no special tokens),
 *   input_ids = p ++ a[:-1], labels = [-100]·(|p|−1) ++ a.
 * p and a were derived from tokenizer.json alone by scripts/tokenizers/reference-bpe.py (plus Mistral's
 * BOS 1 and Gemma's BOS 2), and so were the sub-batch label positions (stable longest-first sort, sub-batches of 3); the
 * token strings of a are written next to it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRealTokenizer, type RealTokenizer, type RealTokenizerName } from '../model/real-tokenizer-fixtures';
import { buildSubBatches, IGNORE_INDEX as I, tokenizePair, type ScoringPair } from './batching';

const EDITS: [prompt: string, answer: string][] = [
  ['The capital of France is', 'Paris'],
  ['The Eiffel Tower was completed in', '1889'],
  ['Tokyo is the capital of', '日本'],
  ['The rarest character in the list is', '𠮷'],
  ['Столица России —', 'Москва'],
  ["The site's address ends in", '.com'],
  ['Born in', '(1952)'],
  ['Zürich liegt in der', 'Schweiz'],
];

interface Expected {
  /** [p, a] per edit, in EDITS order. */
  tokens: [number[], number[]][];
  /** One edit written out in full: its index, input_ids and labels. */
  full: [number, number[], number[]];
  /** buildSubBatches(subBatch 3): record order per sub-batch, padded length, flat label positions b·T + t. */
  batches: [records: number[], seqLen: number, labelPositions: number[]][];
}

const EXPECTED: Record<RealTokenizerName, Expected> = {
  // Every answer starts with a bare space piece: " " + answer normalizes to "▁▁answer", and "▁▁" merges
  // before anything else, so the first label is "▁" (28705, then "▁Paris") or "▁▁" (259, then digits/CJK).
  mistral: {
    tokens: [
      [
        [1, 415, 5565, 302, 4843, 349],
        [28705, 5465],
      ], // ▁ ▁Paris
      [
        [1, 415, 413, 2728, 301, 19895, 403, 7368, 297],
        [259, 28740, 28783, 28783, 28774],
      ], // ▁▁ 1 8 8 9
      [
        [1, 19887, 349, 272, 5565, 302],
        [259, 29142, 29119],
      ], // ▁▁ 日 本
      [
        [1, 415, 9964, 303, 3233, 297, 272, 1274, 349],
        [259, 243, 163, 177, 186],
      ], // ▁▁ <0xF0> <0xA0> <0xAE> <0xB7>
      [
        [1, 1406, 914, 922, 5394, 19180, 1040],
        [28705, 22288, 870],
      ], // ▁ ▁Моск ва
      [
        [1, 415, 3455, 28742, 28713, 2962, 9675, 297],
        [28705, 842, 675],
      ], // ▁ ▁. com
      [
        [1, 20109, 297],
        [28705, 325, 28740, 28774, 28782, 28750, 28731],
      ], // ▁ ▁( 1 9 5 2 )
      [
        [1, 1054, 2355, 539, 18610, 297, 891],
        [28705, 18295, 463],
      ], // ▁ ▁Schwe iz
    ],
    full: [0, [1, 415, 5565, 302, 4843, 349, 28705], [I, I, I, I, I, 28705, 5465]],
    batches: [
      [[1, 3, 5], 13, [8, 9, 10, 11, 12, 21, 22, 23, 24, 25, 33, 34, 35]],
      [[4, 6, 7], 9, [6, 7, 8, 11, 12, 13, 14, 15, 16, 17, 24, 25, 26]],
      [[2, 0], 8, [5, 6, 7, 13, 14]],
    ],
  },
  // No BOS (this tokenizer.json has no template). A word answer is one "Ġword" label; digits split as
  // "Ġ" + runs of three.
  llama3: {
    tokens: [
      [[791, 6864, 315, 9822, 374], [12366]], // ĠParis
      [
        [791, 469, 3168, 301, 22703, 574, 8308, 304],
        [220, 9367, 24],
      ], // Ġ 188 9
      [[53954, 16417, 374, 279, 6864, 315], [105180]], // Ġ日本 (one token)
      [
        [791, 9024, 267, 3752, 304, 279, 1160, 374],
        [109697, 254, 106, 115],
      ], // Ġ+F0, A0, AE, B7
      [[74598, 101745, 87994, 108190, 2001], [116050]], // ĠМосква (one token)
      [
        [791, 2816, 596, 2686, 10548, 304],
        [662, 884],
      ], // Ġ. com
      [
        [59204, 304],
        [320, 6280, 17, 8],
      ], // Ġ( 195 2 )
      [
        [57, 5297, 718, 65040, 304, 2761],
        [56834, 450],
      ], // ĠSchwe iz
    ],
    // A one-token answer: input_ids is the prompt alone, the last prompt position carries the label.
    full: [0, [791, 6864, 315, 9822, 374], [I, I, I, I, 12366]],
    batches: [
      [[3, 1, 5], 11, [7, 8, 9, 10, 18, 19, 20, 27, 28]],
      [[7, 2, 0], 7, [5, 6, 12, 18]],
      [[4, 6], 5, [4, 6, 7, 8, 9]],
    ],
  },
  // No BOS (add_bos_token false); digits one per token.
  qwen3: {
    tokens: [
      [[785, 6722, 315, 9625, 374], [12095]], // ĠParis
      [
        [785, 468, 3092, 301, 21938, 572, 8145, 304],
        [220, 16, 23, 23, 24],
      ], // Ġ 1 8 8 9
      [
        [52854, 16032, 374, 279, 6722, 315],
        [75402, 21894],
      ], // Ġ日 本
      [
        [785, 8848, 267, 3668, 304, 279, 1140, 374],
        [220, 150152],
      ], // Ġ 𠮷
      [[73498, 7819, 1802, 86894, 129069, 1959], [137639]], // ĠМосква
      [
        [785, 2747, 594, 2621, 10335, 304],
        [659, 874],
      ], // Ġ. com
      [
        [58104, 304],
        [320, 16, 24, 20, 17, 8],
      ], // Ġ( 1 9 5 2 )
      [
        [57, 5186, 713, 63940, 304, 2694],
        [55734, 449],
      ], // ĠSchwe iz
    ],
    full: [6, [58104, 304, 320, 16, 24, 20, 17], [I, 320, 16, 24, 20, 17, 8]],
    batches: [
      [[1, 3, 2], 12, [7, 8, 9, 10, 11, 19, 20, 29, 30]],
      [[5, 6, 7], 7, [5, 6, 8, 9, 10, 11, 12, 13, 19, 20]],
      [[4, 0], 6, [5, 10]],
    ],
  },
  // BOS 2 (GemmaTokenizer's add_bos_token). " " + answer maps to "▁answer" with nothing prepended, so a word
  // answer is one label ("▁Paris", "▁日本", "▁Москва", "▁Schweiz"); digits and byte fallback follow a bare "▁".
  gemma3: {
    tokens: [
      [[2, 818, 5279, 529, 7001, 563], [9079]], // ▁Paris
      [
        [2, 818, 94648, 25822, 691, 7723, 528],
        [236743, 236770, 236828, 236828, 236819],
      ], // ▁ 1 8 8 9
      [[2, 89265, 563, 506, 5279, 529], [33375]], // ▁日本
      [
        [2, 818, 188477, 2872, 528, 506, 1694, 563],
        [236743, 478, 398, 412, 421],
      ], // ▁ <0xF0> <0xA0> <0xAE> <0xB7>
      [[2, 127677, 189729, 28973, 2192], [99776]], // ▁Москва
      [
        [2, 818, 3432, 236789, 236751, 3421, 10842, 528],
        [783, 854],
      ], // ▁. com
      [
        [2, 53535, 528],
        [568, 236770, 236819, 236810, 236778, 236768],
      ], // ▁( 1 9 5 2 )
      [[2, 236953, 105214, 41633, 528, 1556], [87485]], // ▁Schweiz
    ],
    full: [0, [2, 818, 5279, 529, 7001, 563], [I, I, I, I, I, 9079]],
    batches: [
      [[3, 1, 5], 12, [7, 8, 9, 10, 11, 18, 19, 20, 21, 22, 31, 32]],
      [[6, 0, 2], 8, [2, 3, 4, 5, 6, 7, 13, 21]],
      [[7, 4], 6, [5, 10]],
    ],
  },
};

const NAMES = Object.keys(EXPECTED) as RealTokenizerName[];
const real = {} as Record<RealTokenizerName, RealTokenizer>;
const pairs: ScoringPair[] = EDITS.map(([prompt, target], id) => ({ id, prompt, target }));

beforeAll(() => {
  for (const name of NAMES) real[name] = loadRealTokenizer(name);
}, 120_000);

describe.each(NAMES)('%s: edit tokenization and labels', (name) => {
  const want = EXPECTED[name];

  it.each(EDITS.map((e, i) => [...e, i] as const))('%j → %j', (prompt, answer, i) => {
    const { tok } = real[name];
    const [p, a] = want.tokens[i];
    expect(tok.encode(prompt, true)).toEqual(p);
    expect(tok.encode(' ' + answer, false)).toEqual(a);
    const row = tokenizePair(tok, pairs[i]);
    expect(row.inputIds).toEqual([...p, ...a.slice(0, -1)]);
    expect(row.labels).toEqual([...new Array<number>(p.length - 1).fill(I), ...a]);
    // The labelled ids print back as the reference would show the answer (" " + answer).
    expect(tok.decode(row.labels.filter((l) => l !== I))).toBe(name === 'llama3' && answer === '.com' ? '.com' : ' ' + answer);
  });

  it('writes one edit out in full', () => {
    const [i, inputIds, labels] = want.full;
    expect(tokenizePair(real[name].tok, pairs[i])).toEqual({ id: i, inputIds, labels });
  });

  it('sorts longest first, pads with 0 / mask 0 / −100, and labels exactly the answer positions', () => {
    const batches = buildSubBatches(real[name].tok, pairs, { subBatch: 3 });
    expect(batches.map((b) => [b.records, b.seqLen, [...b.labelPositions]])).toEqual(want.batches);
    for (const b of batches) {
      b.records.forEach((r, row) => {
        const [p, a] = want.tokens[r];
        const len = p.length + a.length - 1;
        const ids = [...b.inputIds.subarray(row * b.seqLen, (row + 1) * b.seqLen)];
        const mask = [...b.attentionMask.subarray(row * b.seqLen, (row + 1) * b.seqLen)];
        expect(ids).toEqual([...p, ...a.slice(0, -1), ...new Array<number>(b.seqLen - len).fill(0)]);
        expect(mask).toEqual([...new Array<number>(len).fill(1), ...new Array<number>(b.seqLen - len).fill(0)]);
        expect([...b.labelPositions].filter((x) => Math.floor(x / b.seqLen) === row).map((x) => b.labels[x])).toEqual(a);
      });
    }
  });
});
