/**
 * ROME's n-gram entropy on hand-computed texts, the word splitting it rests on on sentences whose
 * nltk.word_tokenize output is known, and the generated texts' determinism under a seed.
 */
import { describe, expect, it } from 'vitest';
import { nodeFolder } from '../io/node-files';
import { loadModel } from '../model/load';
import { createCpuRuntime } from '../runtime/cpu-runtime';
import { computeNGramEntropy, fluencyTexts, nGramEntropy, wordTokenize } from './fluency';

describe('word_tokenize stand-in', () => {
  it.each([
    ["It didn't run, 3,000 dogs... ok?", ['It', 'did', "n't", 'run', ',', '3,000', 'dogs', '...', 'ok', '?']],
    ['The cat sat. The dog ran.', ['The', 'cat', 'sat', '.', 'The', 'dog', 'ran', '.']],
    ["She's here (now); we'll see.", ['She', "'s", 'here', '(', 'now', ')', ';', 'we', "'ll", 'see', '.']],
    ['He said "yes" to it', ['He', 'said', '``', 'yes', "''", 'to', 'it']],
  ])('%j', (text, words) => expect(wordTokenize(text)).toEqual(words));
});

describe('n-gram entropy (rome eval_utils_counterfact.py)', () => {
  it('hand-computed values', () => {
    // words a b a b: bigrams ab ×2, ba ×1 → H2 = −(2/3·log2 2/3 + 1/3·log2 1/3); trigrams aba, bab → H3 = 1
    const h2 = -((2 / 3) * Math.log2(2 / 3) + (1 / 3) * Math.log2(1 / 3));
    expect(computeNGramEntropy('a b a b')).toBeCloseTo(((2 / 3) * h2 + (4 / 3) * 1) / 2, 14);
    expect(computeNGramEntropy('a b a b')).toBeCloseTo(0.97276528, 7);
    // "the cat sat ." : three distinct bigrams (log2 3), two distinct trigrams (1)
    expect(computeNGramEntropy('the cat sat.')).toBeCloseTo(((2 / 3) * Math.log2(3) + 4 / 3) / 2, 14);
    // a repeated word: one bigram, one trigram → 0
    expect(computeNGramEntropy('la la la la la')).toBe(0);
    // fewer words than n: no n-grams, H = 0
    expect(computeNGramEntropy('word')).toBe(0);
    expect(nGramEntropy(['a b a b', 'word'])).toBeCloseTo(0.97276528 / 2, 7);
  });
});

describe('generated texts', () => {
  it('same seed, same texts; they start with the prompt and reach the length cap', async () => {
    const m = await loadModel(nodeFolder('public/demo/model'));
    const rt = await createCpuRuntime(m);
    const prompts = ['Where was Sulkrothis born?', 'What is the occupation of Stesian?'];
    const a = await fluencyTexts(rt, m.tokenizer, prompts, 7);
    const b = await fluencyTexts(rt, m.tokenizer, prompts, 7);
    const c = await fluencyTexts(rt, m.tokenizer, prompts, 8);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    a.forEach((t, i) => expect(t.startsWith(prompts[i])).toBe(true));
    // generate_fast samples up to 100 tokens; the demo model reads 64 positions
    expect(m.tokenizer.encode(a[0], true).length).toBeGreaterThanOrEqual(m.spec.maxPositions - 2);
    await rt.dispose();
  });
});
