import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusTexts } from './corpus';

describe('key statistics corpus', () => {
  it("reads the demo's training corpus as prompt + answer", () => {
    const texts = corpusTexts(readFileSync('public/demo/data/train-corpus.json', 'utf8'), 'train-corpus.json')!;
    expect(texts.length).toBe(9184);
    expect(texts[0]).toBe('In which country is Gemtelvik? Minfethia');
  });

  it('reads plain lines, string arrays and {text} arrays; an edit dataset is not a corpus', () => {
    expect(corpusTexts('one line\n\n  two  \r\nthree', 'c.txt')).toEqual(['one line', 'two', 'three']);
    expect(corpusTexts('["a", "b"]', 'c.json')).toEqual(['a', 'b']);
    expect(corpusTexts('[{"text": "a"}, {"text": "b", "x": 1}]', 'c.json')).toEqual(['a', 'b']);
    expect(corpusTexts('[{"src": "q", "ans": "a"}]', 'c.json')).toBeNull();
  });

  it('names the file and the row of a broken corpus', () => {
    expect(() => corpusTexts('[1, 2', 'c.json')).toThrow(/c\.json: is not valid JSON/);
    expect(() => corpusTexts('{"format": "stableedit-lab demo corpus v1", "train": [[1]]}', 'd.json')).toThrow(/d\.json train row 0/);
  });
});
