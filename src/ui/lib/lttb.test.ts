import { describe, expect, it } from 'vitest';
import { Rng } from '../../engine/util/rng';
import { lttbIndices } from './lttb';

function noisy(n: number, seed: number) {
  const rng = new Rng(seed);
  const xs = Float64Array.from({ length: n }, (_, i) => i);
  const ys = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 200) + 0.1 * rng.normal());
  return { xs, ys };
}

describe('lttbIndices', () => {
  it('returns exactly the budget, keeps first and last, strictly increasing', () => {
    const { xs, ys } = noisy(10_000, 1);
    for (const budget of [3, 7, 100, 999, 4000]) {
      const idx = lttbIndices(xs, ys, budget);
      expect(idx.length).toBe(budget);
      expect(idx[0]).toBe(0);
      expect(idx[budget - 1]).toBe(xs.length - 1);
      for (let i = 1; i < idx.length; i++) expect(idx[i]).toBeGreaterThan(idx[i - 1]);
    }
  });

  it('keeps every point when the budget is not smaller than the data', () => {
    const { xs, ys } = noisy(50, 2);
    expect([...lttbIndices(xs, ys, 50)]).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(lttbIndices(xs, ys, 80).length).toBe(50);
  });

  it('a lone spike survives thinning 10 000 points to 100', () => {
    const rng = new Rng(3);
    for (let trial = 0; trial < 5; trial++) {
      const { xs, ys } = noisy(10_000, 10 + trial);
      const at = 1 + rng.int(9_997);
      ys[at] = 25;
      const idx = lttbIndices(xs, ys, 100);
      expect([...idx]).toContain(at);
      expect(Math.max(...Array.from(idx, (i) => ys[i]))).toBe(25);
    }
  });

  it('handles irregular x spacing and tiny budgets', () => {
    const xs = [0, 0.1, 5, 5.5, 20, 21];
    const ys = [0, 1, 0, 3, 0, 1];
    expect([...lttbIndices(xs, ys, 2)]).toEqual([0, 5]);
    expect([...lttbIndices(xs, ys, 1)]).toEqual([5]);
    expect(lttbIndices(xs, ys, 4).length).toBe(4);
  });

  it('rejects mismatched lengths and bad budgets', () => {
    expect(() => lttbIndices([1, 2], [1], 2)).toThrow(/2 x values but 1 y/);
    expect(() => lttbIndices([1, 2], [1, 2], 1.5)).toThrow(/budget/);
  });
});
