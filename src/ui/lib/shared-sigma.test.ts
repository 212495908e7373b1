import { describe, expect, it } from 'vitest';
import { identicalGroups } from './shared-sigma';
import type { Series } from './series';

const s = (runId: string, module: string, ys: number[]): Series => ({
  key: `${runId}|${module}`,
  runId,
  module,
  xs: Float64Array.from(ys, (_, i) => i + 1),
  ys: Float64Array.from(ys),
});

describe('identicalGroups', () => {
  it('groups the modules of one run whose values agree at every point', () => {
    const a = s('r', 'l2', [NaN, 1.5, 2.25]);
    const b = s('r', 'l3', [NaN, 1.5, 2.25]);
    const c = s('r', 'l4', [NaN, 1.5, 2.5]);
    expect(identicalGroups([a, b, c]).map((g) => g.map((x) => x.module))).toEqual([['l2', 'l3'], ['l4']]);
  });
  it('never groups across runs, nor series with no finite value', () => {
    const a = s('r1', 'l2', [1, 2]);
    const b = s('r2', 'l2', [1, 2]);
    const n1 = s('r1', 'l3', [NaN]);
    const n2 = s('r1', 'l4', [NaN]);
    expect(identicalGroups([a, b, n1, n2]).map((g) => g.length)).toEqual([1, 1, 1, 1]);
  });
});
