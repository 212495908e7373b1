import { describe, expect, it } from 'vitest';
import { drawablePoints } from './log-scale';
import { drawSeries, mergeOverlay, rawKey } from './overlay';
import { debiasedEma } from './smoothing';
import type { Series } from './series';

const series = (key: string, xs: number[], ys: number[]): Series => ({
  key,
  runId: key,
  xs: Float64Array.from(xs),
  ys: Float64Array.from(ys),
});

describe('drawablePoints', () => {
  it('log scale drops non-positive points and counts them; non-finite are never drawn', () => {
    const d = drawablePoints([0, 1, 2, 3, 4, 5], [1, 0, -2, NaN, 3, Infinity], true);
    expect([...d.xs]).toEqual([0, 4]);
    expect([...d.kept]).toEqual([0, 4]);
    expect(d.nonPositive).toBe(2);
    expect(d.nonFinite).toBe(2);
    const lin = drawablePoints([0, 1, 2, 3], [1, 0, -2, NaN], false);
    expect([...lin.ys]).toEqual([1, 0, -2]);
    expect(lin.nonPositive).toBe(0);
  });
});

describe('drawSeries / mergeOverlay', () => {
  it('smooths the whole series before thinning, and keeps raw values for the hover readout', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    const ys = xs.map((i) => (i % 2 ? 1 : 3));
    const d = drawSeries(series('s', xs, ys), { smoothing: 0.9, logScale: false, budget: 50 });
    const full = debiasedEma(ys, 0.9);
    expect(d.xs.length).toBe(50);
    expect(d.total).toBe(1000);
    for (let i = 0; i < d.xs.length; i++) {
      expect(d.ys[i]).toBe(full[d.xs[i]]);
      expect(d.raw[i]).toBe(ys[d.xs[i]]);
    }
  });

  it('a zoomed range keeps its points (one neighbour each side), smoothed over the whole series', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => i + 1);
    const ys = xs.map((x) => Math.sin(x / 7) + (x % 3));
    const whole = debiasedEma(Float64Array.from(ys), 0.6);
    const d = drawSeries(series('a', xs, ys), { smoothing: 0.6, logScale: false, budget: 400, xRange: [101, 150] });
    expect([...d.xs]).toEqual(Array.from({ length: 52 }, (_, i) => 100 + i));
    for (let i = 0; i < d.xs.length; i++) {
      expect(d.ys[i]).toBeCloseTo(whole[d.xs[i] - 1], 12);
      expect(d.raw[i]).toBe(ys[d.xs[i] - 1]);
    }
  });
  it('reports points hidden by the log axis', () => {
    const d = drawSeries(series('s', [0, 1, 2, 3], [0.5, -0.1, 0.2, 0]), { smoothing: 0, logScale: true, budget: 10 });
    expect([...d.xs]).toEqual([0, 2]);
    expect(d.nonPositive).toBe(2);
  });

  it('merges runs with different x grids into one sorted dataset', () => {
    const opts = { smoothing: 0, logScale: false, budget: 100 };
    const rows = mergeOverlay([drawSeries(series('a', [0, 2, 4], [1, 2, 3]), opts), drawSeries(series('b', [1, 2], [10, 20]), opts)]);
    expect(rows.map((r) => r.x)).toEqual([0, 1, 2, 4]);
    expect(rows[2]).toEqual({ x: 2, a: 2, b: 20, [rawKey('a')]: 2, [rawKey('b')]: 20 });
    expect(rows[1].a).toBeUndefined();
  });
});

describe('overlayCsv', () => {
  it('keeps every point of every series, raw and smoothed, merged on x', async () => {
    const { overlayCsv } = await import('./overlay-csv');
    const a = { ...series('a', [0, 1, 2, 3], [1, NaN, 3, 4]), label: 'run A' };
    const b = { ...series('b', [1, 3], [10, 30]), label: 'run B, "quoted"' };
    const text = overlayCsv([a, b], 'turn', 0.5);
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('turn,run A,run A (EMA 0.5),"run B, ""quoted""","run B, ""quoted"" (EMA 0.5)"');
    const ema = debiasedEma([1, NaN, 3, 4], 0.5);
    expect(lines.slice(1)).toEqual([
      `0,1,${ema[0]},,`,
      `1,,,10,10`,
      `2,3,${ema[2]},,`,
      `3,4,${ema[3]},30,${debiasedEma([10, 30], 0.5)[1]}`,
    ]);
  });
});
