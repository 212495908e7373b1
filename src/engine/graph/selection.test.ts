/**
 * The selection composites (selection.ts) against plain JS definitions, not against the interpreter
 * (which evaluates the same composition): log-softmax ≤1e-12 (float64 interpreter), argMax / topK
 * exact, including ties (first index wins) and −∞ entries; ORT wasm gives the same indices.
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './builder';
import { interpretOutputs } from './interpret';
import { GraphSession } from './ort-session';
import { tensor } from './tensor';
import { Rng } from '../util/rng';

const R = 4,
  C = 9;

function rows(data: number[]): number[][] {
  return Array.from({ length: R }, (_, r) => data.slice(r * C, (r + 1) * C));
}
const firstMax = (row: number[]) => row.indexOf(Math.max(...row));
const topIdx = (row: number[], k: number) =>
  row
    .map((_, i) => i)
    .sort((a, b) => row[b] - row[a] || a - b)
    .slice(0, k);

describe('selection composites', () => {
  // small integers: many ties; one row has a −∞ entry
  const rng = new Rng(3);
  const data = Array.from({ length: R * C }, () => Math.floor(rng.uniform() * 4));
  data[C + 2] = -Infinity;
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', [R, C]);
  g.output('am', g.argMax(x, -1));
  g.output('am0', g.argMax(x, 0));
  const [v, i] = g.topK(x, 4);
  g.output('topv', v);
  g.output('topi', i);
  g.output('lsm', g.logSoftmax(x, -1));
  const ref = interpretOutputs(g, { x: tensor([R, C], data) });

  it('argMax: first index of the maximum, along either axis', () => {
    expect(Array.from(ref.am.data)).toEqual(rows(data).map(firstMax));
    const cols = Array.from({ length: C }, (_, c) => Array.from({ length: R }, (_, r) => data[r * C + c]));
    expect(Array.from(ref.am0.data)).toEqual(cols.map(firstMax));
  });

  it('topK: values descending, lower index first on ties', () => {
    const want = rows(data).map((row) => topIdx(row, 4));
    expect(Array.from(ref.topi.data)).toEqual(want.flat());
    expect(Array.from(ref.topv.data)).toEqual(want.flatMap((idx, r) => idx.map((j) => data[r * C + j])));
  });

  it('logSoftmax = x − log Σ exp x', () => {
    const want = rows(data).flatMap((row) => {
      const lse = Math.log(row.reduce((s, z) => s + Math.exp(z), 0));
      return row.map((z) => z - lse);
    });
    Array.from(ref.lsm.data).forEach((z, k) =>
      Number.isFinite(want[k]) ? expect(Math.abs(z - want[k])).toBeLessThanOrEqual(1e-12) : expect(z).toBe(-Infinity),
    );
  });

  it('ORT wasm returns the same int32 indices', async () => {
    const s = await GraphSession.fromGraph(g);
    const got = await s.run({ x: Float32Array.from(data) });
    await s.release();
    expect(got.am).toBeInstanceOf(Int32Array);
    expect(Array.from(got.am as Int32Array)).toEqual(Array.from(ref.am.data));
    expect(Array.from(got.am0 as Int32Array)).toEqual(Array.from(ref.am0.data));
    expect(Array.from(got.topi as Int32Array)).toEqual(Array.from(ref.topi.data));
  });
});
