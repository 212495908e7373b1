import { describe, expect, it } from 'vitest';
import { boundedDomain, PERCENT_BOUNDS, toPercent } from './percent';

describe('percent axes', () => {
  it('turns fractions into percent', () => {
    expect(toPercent(0.132)).toBeCloseTo(13.2, 12);
    expect(toPercent(1)).toBe(100);
  });

  it('keeps a padded range inside [0, 100]', () => {
    // 0–100 padded 5% (what LinePlot does) would run to −5…105.
    expect(boundedDomain([-5, 105], PERCENT_BOUNDS, 5)).toEqual([0, 100]);
    expect(boundedDomain([12, 40], PERCENT_BOUNDS, 5)).toEqual([12, 40]);
  });

  it('gives a flat line room inside the bounds, at the edges too', () => {
    expect(boundedDomain([-0.5, 0.5], PERCENT_BOUNDS, 5)).toEqual([0, 5]);
    expect(boundedDomain([99.5, 100.5], PERCENT_BOUNDS, 5)).toEqual([95, 100]);
    expect(boundedDomain([49.5, 50.5], PERCENT_BOUNDS, 5)).toEqual([47.5, 52.5]);
  });
});
