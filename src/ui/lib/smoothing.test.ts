import { describe, expect, it } from 'vitest';
import { debiasedEma } from './smoothing';

describe('debiasedEma', () => {
  it('leaves a constant unchanged for every weight (closed form: c·(1−wᵗ)/(1−wᵗ) = c)', () => {
    for (const w of [0, 0.3, 0.6, 0.9, 0.99]) {
      const s = debiasedEma(new Array(50).fill(2.5), w);
      for (const v of s) expect(v).toBeCloseTo(2.5, 12);
    }
  });

  it('matches the closed form on a step from a to b at T', () => {
    const a = 1;
    const b = 5;
    const T = 10;
    const w = 0.8;
    const xs = Array.from({ length: 40 }, (_, i) => (i < T ? a : b));
    const s = debiasedEma(xs, w);
    for (let t = 1; t <= xs.length; t++) {
      // m_t = (1−w) Σ_{i≤t} w^{t−i} x_i, split at the step
      const m = t <= T ? a * (1 - w ** t) : a * (w ** (t - T) - w ** t) + b * (1 - w ** (t - T));
      expect(s[t - 1]).toBeCloseTo(m / (1 - w ** t), 12);
    }
  });

  it('weight 0 returns the raw values', () => {
    const xs = [3, -1, 4, 1, -5, 9];
    expect([...debiasedEma(xs, 0)]).toEqual(xs);
  });

  it('passes non-finite points through without advancing the average', () => {
    const w = 0.5;
    const withGaps = debiasedEma([1, NaN, 3, Infinity, 5], w);
    const without = debiasedEma([1, 3, 5], w);
    expect(Number.isNaN(withGaps[1])).toBe(true);
    expect(withGaps[3]).toBe(Infinity);
    expect([withGaps[0], withGaps[2], withGaps[4]]).toEqual([...without]);
  });

  it('rejects weights outside [0, 1)', () => {
    expect(() => debiasedEma([1], 1)).toThrow(/\[0, 1\)/);
    expect(() => debiasedEma([1], -0.1)).toThrow(/\[0, 1\)/);
  });
});
