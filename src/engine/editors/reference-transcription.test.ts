/**
 * The editors against a direct transcription of docs/design.md §1 ("Normalizers", "Solve") written here
 * with plain arrays, row by row over z = [k | g]: per-shape shared statistics, update order, ε,
 * UltraEdit's unbiased batch variance, StableEdit's scatter, clamp and n ≤ dOut + 1 fallback.
 */
import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../linalg/eigh';
import { ridgeSolvePrimal } from '../linalg/ridge';
import { relativeError } from '../linalg/test-matrices';
import type { ModuleCapture } from '../types';
import { createEditor } from './registry';
import { SyntheticStream } from './synthetic-stream';

const EPS = 1.1920928955078125e-7;

interface RefStats {
  n: number;
  mean: number[];
  M2: number[];
  S: number[][];
}

function row(x: ArrayLike<number>, i: number, d: number): number[] {
  return Array.from({ length: d }, (_, j) => x[i * d + j]);
}

/** One (sub-batch, module) update, transcribed. */
function refUpdate(st: RefStats, c: ModuleCapture, unbiased: boolean): void {
  const B = c.rows;
  const z = Array.from({ length: B }, (_, i) => [...row(c.keys, i, c.dIn), ...row(c.grads, i, c.dOut)]);
  const d = c.dIn + c.dOut;
  const bm = Array.from({ length: d }, (_, j) => z.reduce((s, r) => s + r[j], 0) / B);
  const bvar = Array.from({ length: d }, (_, j) => z.reduce((s, r) => s + (r[j] - bm[j]) ** 2, 0) / (unbiased ? B - 1 : B));
  const n = st.n;
  const n1 = n + B;
  const delta = bm.map((m, j) => m - st.mean[j]);
  for (let j = 0; j < d; j++) {
    st.mean[j] += (B * delta[j]) / n1;
    st.M2[j] += B * bvar[j] + (n * B * delta[j] ** 2) / n1;
  }
  const g0 = c.dIn;
  for (let a = 0; a < c.dOut; a++)
    for (let b = 0; b < c.dOut; b++) {
      let s = 0;
      for (const r of z) s += (r[g0 + a] - bm[g0 + a]) * (r[g0 + b] - bm[g0 + b]);
      st.S[a][b] += s + ((n * B) / n1) * delta[g0 + a] * delta[g0 + b];
    }
  st.n = n1;
}

function refTurn(
  stats: Map<string, RefStats>,
  subBatches: ModuleCapture[][],
  opts: { unbiased: boolean; whiten: boolean; lr: number; ridge: number },
) {
  for (const sb of subBatches)
    for (const c of sb) {
      const key = `${c.dIn}x${c.dOut}`;
      if (!stats.has(key))
        stats.set(key, {
          n: 0,
          mean: Array(c.dIn + c.dOut).fill(0),
          M2: Array(c.dIn + c.dOut).fill(0),
          S: Array.from({ length: c.dOut }, () => Array(c.dOut).fill(0)),
        });
      refUpdate(stats.get(key)!, c, opts.unbiased);
    }
  const out = new Map<string, Float64Array>();
  for (const first of subBatches[0]) {
    const { module, dIn, dOut } = first;
    const caps = subBatches.map((sb) => sb.find((c) => c.module === module)!);
    const N = caps.reduce((s, c) => s + c.rows, 0);
    const K: number[] = [];
    const G: number[] = [];
    for (const c of caps) {
      K.push(...c.keys);
      G.push(...c.grads);
    }
    const st = stats.get(`${dIn}x${dOut}`)!;
    const std = st.M2.map((m) => Math.sqrt(m / (st.n - 1 + EPS)));
    const kHat = K.map((v, i) => (v - st.mean[i % dIn]) / (std[i % dIn] + EPS));
    let gHat = G.map((v, i) => (v - st.mean[dIn + (i % dOut)]) / (std[dIn + (i % dOut)] + EPS));
    if (opts.whiten && st.n > dOut + 1) {
      const sigma = st.S.flat().map((v) => v / (st.n - dOut - 1 + EPS));
      const { values, vectors } = symmetricEigen(sigma, dOut);
      const W = Array.from({ length: dOut }, (_, a) =>
        Array.from({ length: dOut }, (_, b) =>
          values.reduce((s, l, j) => s + (vectors[j * dOut + a] * vectors[j * dOut + b]) / Math.sqrt(Math.max(l, 1e-6)), 0),
        ),
      );
      gHat = G.map((_, idx) => {
        const i = Math.floor(idx / dOut);
        const b = idx % dOut;
        let s = 0;
        for (let a = 0; a < dOut; a++) s += (G[i * dOut + a] - st.mean[dIn + a]) * W[a][b];
        return s;
      });
    }
    const V = gHat.map((g, idx) => {
      const i = Math.floor(idx / dOut);
      let kk = 0;
      for (let p = 0; p < dIn; p++) kk += kHat[i * dIn + p] ** 2;
      return -opts.lr * kk * g;
    });
    out.set(module, ridgeSolvePrimal(K, V, { rows: N, dIn, dOut }, opts.ridge));
  }
  return out;
}

// Two modules share a shape (shared statistics), one has its own.
const modules = [
  { module: 'layers.1.mlp.down_proj', dIn: 12, dOut: 5 },
  { module: 'layers.2.mlp.down_proj', dIn: 12, dOut: 5 },
  { module: 'layers.3.mlp.other', dIn: 9, dOut: 4 },
];

for (const [name, unbiased, whiten] of [
  ['ultraedit', true, false],
  ['diagonal', false, false],
  ['stableedit', false, true],
] as const) {
  describe(`${name} against the transcribed reference formulas`, () => {
    it('matches ΔW turn after turn (float32 output rounding: ≤1e-6 relative), across the n ≤ dOut+1 switch', () => {
      const lr = 0.3,
        ridge = 2;
      const stream = new SyntheticStream(modules, 7);
      const editor = createEditor(name, { lr, ridge });
      const stats = new Map<string, RefStats>();
      // The 9x4 shape sees 4 rows in turn 0 (≤ dOut+1: diagonal fallback) and 13 after turn 1 (whitened);
      // the shared 12x5 shape sees 8 rows already in turn 0.
      const kinds = new Set<string | null>();
      for (const rows of [
        [2, 2],
        [3, 2, 4],
        [5, 3],
        [2, 6, 2],
      ]) {
        const turn = stream.turn(rows);
        const { deltas: got, diagnostics } = editor.turn({ subBatches: turn });
        for (const d of diagnostics.modules) kinds.add(d.sigma);
        const want = refTurn(stats, turn, { unbiased, whiten, lr, ridge });
        for (const [m, w] of want) expect(relativeError(got.get(m)!.delta, w)).toBeLessThan(1e-6);
      }
      expect([...kinds].sort()).toEqual(whiten ? ['diagonal', 'full'] : ['diagonal']);
    });
  });
}

describe('ultraedit sub-batch of one row', () => {
  it('is rejected, naming turn, sub-batch and module, since its unbiased variance is undefined', () => {
    const stream = new SyntheticStream(modules.slice(0, 1), 3);
    const e = createEditor('ultraedit', { lr: 1, ridge: 1 });
    expect(() => e.turn({ subBatches: stream.turn([3, 1]) })).toThrow(/turn 0, sub-batch 1, module layers\.1\.mlp\.down_proj: 1 row/);
  });
});
