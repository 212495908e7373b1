/**
 * The WILD judge on hand-worked cases: EasyEdit's / SQuAD v1.1's normalize_answer, exact match and
 * token-level F1 (values computed by hand from the definitions in ./answer-match.ts).
 */
import { describe, expect, it } from 'vitest';
import { exactMatch, normalizeAnswer, tokenF1 } from './answer-match';

describe('normalize_answer', () => {
  it.each([
    ['The  Eiffel Tower!', 'eiffel tower'],
    ['U.S.A.', 'usa'],
    ['  an apple a day ', 'apple day'],
    ['Theme park', 'theme park'], // "the" only as a whole word
    ['Anne and the dog', 'anne and dog'],
    ['thé a café', 'thé café'], // Unicode letters bound the word, as Python's regex \b does
    ['rock-and-roll', 'rockandroll'], // "-" is punctuation, removed before the articles
    ['“Quoted”', '“quoted”'], // not ASCII punctuation: kept, as string.punctuation keeps it
    ['A', ''],
  ])('%j → %j', (input, want) => expect(normalizeAnswer(input)).toBe(want));
});

describe('exact match and token F1', () => {
  it('exact match compares normalized strings', () => {
    expect(exactMatch('Paris.', 'paris')).toBe(true);
    expect(exactMatch(' the Oleander River', 'Oleander river')).toBe(true);
    expect(exactMatch('Paris, France', 'Paris')).toBe(false);
    expect(exactMatch('a', 'an')).toBe(true); // both normalize to ""
  });
  it('F1: 2PR/(P+R) over the multiset of normalized words', () => {
    // pred {capital, paris}, gold {paris}: P = 1/2, R = 1 → 2/3
    expect(tokenF1('the capital Paris', 'Paris')).toBeCloseTo(2 / 3, 15);
    // pred {new, york, city}, gold {new, york}: P = 2/3, R = 1 → 0.8
    expect(tokenF1('New York City', 'new york')).toBeCloseTo(0.8, 15);
    // each gold word matches once: pred {paris, paris}, gold {paris}: shared 1, P = 1/2, R = 1
    expect(tokenF1('Paris Paris', 'Paris')).toBeCloseTo(2 / 3, 15);
    // pred {rome}, gold {paris}: nothing shared
    expect(tokenF1('Rome', 'Paris')).toBe(0);
    // both empty after normalization: 0, as SQuAD v1.1 has it
    expect(tokenF1('the', 'a')).toBe(0);
    expect(tokenF1('Oleander River.', 'the Oleander River')).toBe(1);
  });
});
