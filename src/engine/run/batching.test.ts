/** Tokenization and grouping of a turn, against hand-computed ids, labels, masks and label positions. */
import { describe, expect, it } from 'vitest';
import { InputError, type EditRecord, type TextTokenizer } from '../types';
import { Rng } from '../util/rng';
import { buildSubBatches, editPairs, IGNORE_INDEX as I, tokenizePair } from './batching';

/** Whitespace words → fixed ids; BOS = 1 when special tokens are asked for. */
const VOCAB: Record<string, number> = {
  the: 2,
  capital: 3,
  of: 4,
  France: 5,
  is: 6,
  Paris: 7,
  Lyon: 8,
  city: 9,
  big: 10,
  New: 11,
  York: 12,
  X: 13,
};
const tok: TextTokenizer = {
  encode(text, addSpecialTokens) {
    const ids = text
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => {
        if (!(w in VOCAB)) throw new Error(`unknown word ${w}`);
        return VOCAB[w];
      });
    return addSpecialTokens ? [1, ...ids] : ids;
  },
  decode: (ids) => ids.join(' '),
  vocabSize: 14,
  padId: 0,
  eosId: null,
};

const rec = (index: number, prompt: string, answer: string): EditRecord => ({ index, prompt, answer });
// Lengths of input_ids: 6, 4, 4, 3, 6 → stable longest-first order 10, 14, 11, 12, 13.
const TURN = [
  rec(10, 'the capital of France is', 'Paris'),
  rec(11, 'X is', 'New York'),
  rec(12, 'the city is', 'Lyon'),
  rec(13, 'X', 'big city'),
  rec(14, 'the big city is', 'New York'),
];

const plain = (sb: ReturnType<typeof buildSubBatches>[number]) => ({
  batch: sb.batch,
  seqLen: sb.seqLen,
  records: sb.records,
  inputIds: [...sb.inputIds],
  attentionMask: [...sb.attentionMask],
  labels: [...sb.labels],
  labelPositions: [...sb.labelPositions],
});

describe('tokenizePair', () => {
  it('p with specials, " "+answer without; input = p ++ a[:-1], labels = [-100]*(|p|-1) ++ a', () => {
    expect(tokenizePair(tok, { id: 11, prompt: 'X is', target: 'New York' })).toEqual({
      id: 11,
      inputIds: [1, 13, 6, 11],
      labels: [I, I, 11, 12],
    });
    expect(tokenizePair(tok, { id: 0, prompt: 'the capital of France is', target: 'Paris' })).toEqual({
      id: 0,
      inputIds: [1, 2, 3, 4, 5, 6],
      labels: [I, I, I, I, I, 7],
    });
  });

  it('a target that tokenizes to nothing is an InputError naming the record', () => {
    expect(() => tokenizePair(tok, { id: 5, prompt: 'X', target: '   ' })).toThrow(InputError);
    expect(() => tokenizePair(tok, { id: 5, prompt: 'X', target: '   ' })).toThrow(/record 5: the target/);
  });
});

describe('buildSubBatches', () => {
  it('sub-batches of 2: sorted longest first with ties in turn order, exact tensors', () => {
    const sbs = buildSubBatches(tok, editPairs(TURN), { subBatch: 2 }).map(plain);
    expect(sbs).toEqual([
      {
        batch: 2,
        seqLen: 6,
        records: [10, 14],
        inputIds: [1, 2, 3, 4, 5, 6, 1, 2, 10, 9, 6, 11],
        attentionMask: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
        labels: [I, I, I, I, I, 7, I, I, I, I, 11, 12],
        labelPositions: [5, 10, 11],
      },
      {
        batch: 2,
        seqLen: 4,
        records: [11, 12],
        inputIds: [1, 13, 6, 11, 1, 2, 9, 6],
        attentionMask: [1, 1, 1, 1, 1, 1, 1, 1],
        labels: [I, I, 11, 12, I, I, I, 8],
        labelPositions: [2, 3, 7],
      },
      { batch: 1, seqLen: 3, records: [13], inputIds: [1, 13, 10], attentionMask: [1, 1, 1], labels: [I, 10, 9], labelPositions: [1, 2] },
    ]);
  });

  it('sub-batches of 3: right padding with id 0, mask 0, label -100', () => {
    const sbs = buildSubBatches(tok, editPairs(TURN), { subBatch: 3 }).map(plain);
    expect(sbs).toEqual([
      {
        batch: 3,
        seqLen: 6,
        records: [10, 14, 11],
        inputIds: [1, 2, 3, 4, 5, 6, 1, 2, 10, 9, 6, 11, 1, 13, 6, 11, 0, 0],
        attentionMask: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0],
        labels: [I, I, I, I, I, 7, I, I, I, I, 11, 12, I, I, 11, 12, I, I],
        labelPositions: [5, 10, 11, 14, 15],
      },
      {
        batch: 2,
        seqLen: 4,
        records: [12, 13],
        inputIds: [1, 2, 9, 6, 1, 13, 10, 0],
        attentionMask: [1, 1, 1, 1, 1, 1, 1, 0],
        labels: [I, I, I, 8, I, 10, 9, I],
        labelPositions: [3, 5, 6],
      },
    ]);
  });

  it('padMultiple rounds the padded length up (bucketed graph shapes)', () => {
    const [sb] = buildSubBatches(tok, editPairs(TURN.slice(1, 3)), { subBatch: 5, padMultiple: 8 }).map(plain);
    expect(sb).toEqual({
      batch: 2,
      seqLen: 8,
      records: [11, 12],
      inputIds: [1, 13, 6, 11, 0, 0, 0, 0, 1, 2, 9, 6, 0, 0, 0, 0],
      attentionMask: [1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0],
      labels: [I, I, 11, 12, I, I, I, I, I, I, I, 8, I, I, I, I],
      labelPositions: [2, 3, 11],
    });
  });

  it('random turns: every label is the next input id (teacher forcing), answers fully labelled, order stable', () => {
    const rng = new Rng(7);
    const words = Object.keys(VOCAB);
    const sentence = (n: number) => Array.from({ length: n }, () => rng.pick(words)).join(' ');
    const pairs = Array.from({ length: 37 }, (_, id) => ({ id, prompt: sentence(1 + rng.int(6)), target: sentence(1 + rng.int(4)) }));
    const sbs = buildSubBatches(tok, pairs, { subBatch: 10 });
    const order = sbs.flatMap((s) => s.records);
    const len = (id: number) => tokenizePair(tok, pairs[id]).inputIds.length;
    // longest first; among equal lengths, ascending id (= turn order)
    expect(order).toEqual([...pairs.map((p) => p.id)].sort((a, b) => len(b) - len(a) || a - b));
    for (const sb of sbs) {
      sb.records.forEach((id, b) => {
        const answer = tok.encode(' ' + pairs[id].target, false);
        const row = (a: Int32Array) => [...a.subarray(b * sb.seqLen, (b + 1) * sb.seqLen)];
        const ids = row(sb.inputIds);
        const labels = row(sb.labels);
        expect(labels.filter((l) => l !== I)).toEqual(answer);
        labels.forEach((l, t) => {
          if (l !== I && t + 1 < len(id)) expect(ids[t + 1]).toBe(l);
        });
      });
      expect([...sb.labelPositions]).toEqual([...sb.labels.keys()].filter((k) => sb.labels[k] !== I));
    }
  });
});
