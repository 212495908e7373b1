import { describe, expect, it } from 'vitest';
import { linearTicks, logTicks } from './ticks';

describe('linearTicks', () => {
  it('steps by 1, 2 or 5 × 10^k and stays in range', () => {
    expect(linearTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(linearTicks(0.13, 0.87, 4)).toEqual([0.2, 0.4, 0.6, 0.8]);
    expect(linearTicks(-3, 7, 5)).toEqual([-2, 0, 2, 4, 6]);
    expect(linearTicks(0, 2000, 4)).toEqual([0, 500, 1000, 1500, 2000]);
  });
  it('gives whole numbers only on a counting axis (no turn 1.75)', () => {
    expect(linearTicks(1, 4, 8)).toEqual([1, 1.5, 2, 2.5, 3, 3.5, 4]);
    expect(linearTicks(1, 4, 8, true)).toEqual([1, 2, 3, 4]);
    expect(linearTicks(1, 2, 8, true)).toEqual([1, 2]);
    expect(linearTicks(1, 1, 5, true)).toEqual([1]);
    expect(linearTicks(1.2, 1.8, 5, true)).toEqual([]);
    for (const t of linearTicks(1, 37, 6, true)) expect(Number.isInteger(t)).toBe(true);
  });

  it('gives up (no ticks, no endless loop) on a range below the float resolution of its values', () => {
    expect(linearTicks(0.9999999999999999, 1, 5)).toEqual([]);
  });
});

describe('logTicks', () => {
  it('puts powers of ten across many decades', () => {
    expect(logTicks(3e-5, 2e1)).toEqual([1e-4, 1e-3, 1e-2, 1e-1, 1, 10]);
  });
  it('adds 2 and 5 when only a decade or two show', () => {
    expect(logTicks(1.5, 60)).toEqual([2, 5, 10, 20, 50]);
  });
  it('falls back to linear ticks inside one decade', () => {
    expect(logTicks(2.1, 4.9)).toEqual([3, 4]);
  });
});
