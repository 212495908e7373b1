/**
 * The drift map is seeded (the same states draw the same map), keeps two well-separated groups of
 * states apart, and places the same states again within their own group.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../engine/util/rng';
import type { HiddenStates } from '../../engine/eval/drift';
import { fitDriftMap } from './drift-map';

function clusters(rng: Rng, n: number, dim: number, shift = 0): HiddenStates {
  const data = new Float32Array(n * dim);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < dim; j++) data[i * dim + j] = rng.normal() * 0.3 + (i < n / 2 ? 0 : 6) + (j === 0 ? shift : 0);
  return { n, dim, data };
}

const extent = (p: number[][]) => Math.max(...p.map((q) => q[0])) - Math.min(...p.map((q) => q[0]));
const centre = (p: number[][]) => [p.reduce((s, q) => s + q[0], 0) / p.length, p.reduce((s, q) => s + q[1], 0) / p.length];

describe('drift map', () => {
  it('seeded, groups kept apart, unchanged states placed on their points', async () => {
    const pre = clusters(new Rng(1), 60, 8);
    const a = (await fitDriftMap(pre))!;
    const b = (await fitDriftMap(pre))!;
    expect(a.pre).toEqual(b.pre);
    const [g0, g1] = [a.pre.slice(0, 30), a.pre.slice(30)];
    const gap = Math.hypot(centre(g0)[0] - centre(g1)[0], centre(g0)[1] - centre(g1)[1]);
    expect(gap).toBeGreaterThan(extent(g0));
    // the same states placed again: each lands in its own group
    const again = a.place(pre);
    const d = (p: number[], c: number[]) => Math.hypot(p[0] - c[0], p[1] - c[1]);
    again.forEach((p, i) => {
      const own = i < 30 ? centre(g0) : centre(g1);
      const other = i < 30 ? centre(g1) : centre(g0);
      expect(d(p, own)).toBeLessThan(d(p, other));
    });
  });
});
