import { describe, expect, it } from 'vitest';
import { shuffled, splitTrainEval } from './split';

const items = Array.from({ length: 100 }, (_, i) => i);

describe('splits and shuffles', () => {
  it('a seeded shuffle is a repeatable permutation; another seed gives another order', () => {
    const a = shuffled(items, 3);
    expect(shuffled(items, 3)).toEqual(a);
    expect([...a].sort((x, y) => x - y)).toEqual(items);
    expect(a).not.toEqual(items);
    expect(shuffled(items, 4)).not.toEqual(a);
    expect(items[0]).toBe(0); // input untouched
  });

  it('by fraction and by count, in file order without a seed', () => {
    expect(splitTrainEval(items, { eval: 0.2 })).toEqual({ train: items.slice(0, 80), eval: items.slice(80) });
    expect(splitTrainEval(items, { eval: 7 })).toEqual({ train: items.slice(0, 93), eval: items.slice(93) });
    expect(splitTrainEval([1, 2, 3], { eval: 0.5 }).eval).toEqual([2, 3]); // round(1.5) = 2
  });

  it('with a seed: disjoint, complete, repeatable', () => {
    const s = splitTrainEval(items, { eval: 0.25, shuffleSeed: 9 });
    expect(s.eval.length).toBe(25);
    expect([...s.train, ...s.eval].sort((x, y) => x - y)).toEqual(items);
    expect(splitTrainEval(items, { eval: 0.25, shuffleSeed: 9 })).toEqual(s);
  });

  it('rejects impossible sizes', () => {
    expect(() => splitTrainEval(items, { eval: 101 })).toThrow(/larger than the 100/);
    expect(() => splitTrainEval(items, { eval: 1.5 })).toThrow(/fraction in \(0, 1\) or a whole count/);
  });
});
