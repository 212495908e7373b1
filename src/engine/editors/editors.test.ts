import { describe, expect, it } from 'vitest';
import { matmul } from '../linalg/matmul';
import { relativeError } from '../linalg/test-matrices';
import { InputError } from '../types';
import type { EditorState } from './editor';
import { NiwNormalizer } from './normalizers/niw';
import { F32_EPS } from './normalizers/normalizer';
import { StableEditNormalizer } from './normalizers/stableedit';
import { createEditor, editorNames } from './registry';
import { SyntheticStream } from './synthetic-stream';

const mods = [
  { module: 'a.down_proj', dIn: 10, dOut: 6 },
  { module: 'b.down_proj', dIn: 10, dOut: 6 },
  { module: 'c.c_proj', dIn: 7, dOut: 3 },
];

describe('stableedit whitening', () => {
  it('ĝ has identity covariance (normalised by n − dOut − 1 + ε) on the data it was fitted on', () => {
    const d = 6;
    const stream = new SyntheticStream([{ module: 'm', dIn: 4, dOut: d }], 5);
    const norm = new StableEditNormalizer(4, d);
    // Synthetic gradients are ~1e-3 (eigenvalues below the 1e-6 clamp); scale them up so the clamp is inactive.
    const caps = stream.turn([7, 9, 5]).map((sb) => ({ ...sb[0], grads: sb[0].grads.map((v) => 1e3 * v) }));
    for (const c of caps) norm.update(c.keys, c.grads, c.rows);
    const n = 21;
    const keys = new Float64Array(n * 4);
    const grads = new Float64Array(n * d);
    let r = 0;
    for (const c of caps) {
      keys.set(c.keys, r * 4);
      grads.set(c.grads, r * d);
      r += c.rows;
    }
    const plan = norm.plan({ diagonalOnly: false });
    expect(plan.sigma?.kind).toBe('full');
    const { gHat } = plan.normalize(keys, grads, n);
    const cov = matmul(gHat, gHat, { m: d, k: n, n: d, transA: true }).map((v) => v / (n - d - 1 + F32_EPS));
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(Math.abs(cov[i * d + j] - (i === j ? 1 : 0))).toBeLessThan(1e-9);
    // and ĝ is centred
    for (let j = 0; j < d; j++) expect(Math.abs(gHat.filter((_, i) => i % d === j).reduce((s, v) => s + v, 0))).toBeLessThan(1e-9);
  });
});

describe('stableedit-niw', () => {
  it('with the zero prior reproduces stableedit bit for bit (warm-up, fallback and whitened turns)', () => {
    const s1 = new SyntheticStream(mods, 9);
    const a = createEditor('stableedit', { lr: 0.1, ridge: 10 });
    const b = createEditor('stableedit-niw', { lr: 0.1, ridge: 10, niw: { mu0: 0, kappa0: 0, nu0: 0, psi0: 0 } });
    for (let t = 0; t < 5; t++) {
      const turn = s1.turn([2, 3]);
      const ra = a.turn({ subBatches: turn, warmup: t === 0 });
      const rb = b.turn({ subBatches: turn, warmup: t === 0 });
      for (const [m, d] of ra.deltas) expect(rb.deltas.get(m)!.delta).toEqual(d.delta);
      expect(rb.diagnostics.modules.map((x) => x.sigma)).toEqual(ra.diagnostics.modules.map((x) => x.sigma));
    }
  });

  it('follows the conjugate NIW recursion: two batches == the closed-form posterior of their union', () => {
    const d = 3;
    const prior = { mu0: Float64Array.from([0.5, -1, 2]), kappa0: 4, nu0: 7, psi0: 0.2 };
    const stream = new SyntheticStream([{ module: 'm', dIn: 2, dOut: d }], 13);
    const [c1, c2] = stream.turn([5, 8]).map((sb) => sb[0]);
    const seq = new NiwNormalizer(2, d, prior);
    seq.update(c1.keys, c1.grads, 5);
    seq.update(c2.keys, c2.grads, 8);
    const s = seq.save();
    // Closed form: κ = κ₀+n, ν = ν₀+n, μ = (κ₀μ₀ + n·x̄)/κ, Ψ = Ψ₀ + S + κ₀n/κ (x̄−μ₀)(x̄−μ₀)ᵀ.
    const g = [...c1.grads, ...c2.grads];
    const n = 13;
    const xbar = [0, 1, 2].map((j) => g.filter((_, i) => i % d === j).reduce((a, v) => a + v, 0) / n);
    expect(s.kappa).toBe(17);
    expect(s.nu).toBe(20);
    const mu = xbar.map((x, j) => (4 * prior.mu0[j] + n * x) / 17);
    expect(relativeError(s.mu as Float64Array, mu)).toBeLessThan(1e-12);
    const psi: number[] = [];
    for (let a = 0; a < d; a++)
      for (let b = 0; b < d; b++) {
        let sc = 0;
        for (let i = 0; i < n; i++) sc += (g[i * d + a] - xbar[a]) * (g[i * d + b] - xbar[b]);
        psi.push((a === b ? 0.2 : 0) + sc + ((4 * n) / 17) * (xbar[a] - prior.mu0[a]) * (xbar[b] - prior.mu0[b]));
      }
    expect(relativeError(s.psi as Float64Array, psi)).toBeLessThan(1e-10);
    // A strong prior (ν₀ > dOut + 1) allows whitening from the first batch.
    const early = new NiwNormalizer(2, d, prior);
    early.update(c1.keys, c1.grads, 1);
    expect(early.plan({ diagonalOnly: false }).sigma?.kind).toBe('full');
  });
});

describe('bad input', () => {
  it('NaN in G stops the turn naming module and turn, and leaves the statistics untouched', () => {
    const stream = new SyntheticStream(mods, 17);
    const e = createEditor('stableedit', { lr: 0.1, ridge: 10 });
    const twin = createEditor('stableedit', { lr: 0.1, ridge: 10 });
    for (let t = 0; t < 2; t++) {
      const turn = stream.turn([4, 4]);
      e.turn({ subBatches: turn });
      twin.turn({ subBatches: turn });
    }
    const before = e.saveState();
    const bad = stream.turn([4, 4]);
    const grads = Float32Array.from(bad[1][2].grads);
    grads[5] = NaN;
    bad[1][2] = { ...bad[1][2], grads };
    expect(() => e.turn({ subBatches: bad })).toThrow(InputError);
    expect(() => e.turn({ subBatches: bad })).toThrow(/turn 2, sub-batch 1, module c\.c_proj: grads contain NaN at row 1, column 2/);
    const badK = stream.turn([4, 4]);
    const keys = Float32Array.from(badK[0][0].keys);
    keys[0] = Infinity;
    badK[0][0] = { ...badK[0][0], keys };
    expect(() => e.turn({ subBatches: badK })).toThrow(/turn 2, sub-batch 0, module a\.down_proj: keys contain Infinity/);
    expectSameState(e.saveState(), before);
    expect(e.turnIndex).toBe(2);
    const next = stream.turn([4, 4]);
    const r1 = e.turn({ subBatches: next });
    const r2 = twin.turn({ subBatches: next });
    for (const [m, d] of r1.deltas) expect(d.delta).toEqual(r2.deltas.get(m)!.delta);
  });
  it('rejects shape mismatches and bad options clearly', () => {
    const e = createEditor('stableedit', { lr: 0.1, ridge: 10 });
    const cap = { module: 'x', rows: 2, dIn: 3, dOut: 2, keys: new Float32Array(5), grads: new Float32Array(4) };
    expect(() => e.turn({ subBatches: [[cap]] })).toThrow(/turn 0, sub-batch 0, module x: keys hold 5 values, expected rows·dIn = 2·3/);
    expect(() => createEditor('stableedit', { lr: 0.1, ridge: 0 })).toThrow(/ridge λ must be a finite number > 0/);
    expect(() => createEditor('nope', { lr: 0.1, ridge: 1 })).toThrow(/unknown editor "nope"; editors: ultraedit, stableedit/);
  });
});

function expectSameState(a: EditorState, b: EditorState) {
  expect(a.turn).toBe(b.turn);
  expect(Object.keys(a.shapes)).toEqual(Object.keys(b.shapes));
  for (const k of Object.keys(a.shapes)) expect(a.shapes[k]).toEqual(b.shapes[k]);
}

describe('every editor over a 20-turn synthetic stream', () => {
  for (const name of editorNames) {
    it(`${name}: finite deltas and diagnostics; saveState/loadState resumes identically`, () => {
      const stream = new SyntheticStream(mods, 23);
      const e = createEditor(name, { lr: 0.05, ridge: 5 });
      let saved: EditorState | null = null;
      let resumed: ReturnType<typeof createEditor> | null = null;
      for (let t = 0; t < 20; t++) {
        const turn = stream.turn([3, 4, 2]);
        const r = e.turn({ subBatches: turn, warmup: t < 3, loss: 2 - 0.01 * t });
        expect(r.diagnostics.turn).toBe(t);
        expect(r.diagnostics.loss).toBeCloseTo(2 - 0.01 * t, 12);
        for (const d of r.diagnostics.modules) {
          expect(d.rows).toBe(9);
          for (const v of [
            d.deltaNorm,
            d.cosinePrev,
            d.lambdaMax,
            d.conditionNumber,
            d.meanDrift,
            d.covDrift,
            d.timeMs.stats,
            d.timeMs.whitening,
            d.timeMs.solve,
          ])
            if (v !== null) expect(Number.isFinite(v)).toBe(true);
          expect(d.deltaNorm).toBeGreaterThan(0);
          if (t > 0) expect(Math.abs(d.cosinePrev!)).toBeLessThanOrEqual(1 + 1e-12);
          const hasStats = name !== 'no-ln' && name !== 'ft';
          expect(d.sigma !== null).toBe(hasStats);
          if (hasStats && t > 0) expect(d.meanDrift).not.toBeNull();
          if (name.startsWith('stableedit')) expect(d.sigma).toBe(t < 3 ? 'diagonal' : 'full');
        }
        for (const [, d] of r.deltas) for (const v of d.delta) expect(Number.isFinite(v)).toBe(true);
        if (resumed) {
          const rr = resumed.turn({ subBatches: turn, warmup: t < 3 });
          for (const [m, d] of r.deltas) expect(rr.deltas.get(m)!.delta).toEqual(d.delta);
        }
        if (t === 11) {
          saved = structuredClone(e.saveState());
          resumed = createEditor(name, { lr: 0.05, ridge: 5 });
          resumed.loadState(saved);
        }
      }
    });
  }
});

describe('solve forms and the simple editors', () => {
  it('stableedit with the dual and the primal solve agree (≤1e-6 relative in float32 output)', () => {
    const s = new SyntheticStream(mods, 31);
    const d = createEditor('stableedit', { lr: 0.1, ridge: 3, solveForm: 'dual' });
    const p = createEditor('stableedit', { lr: 0.1, ridge: 3, solveForm: 'primal' });
    for (let t = 0; t < 3; t++) {
      const turn = s.turn([5, 6]);
      const rd = d.turn({ subBatches: turn });
      const rp = p.turn({ subBatches: turn });
      expect(rd.diagnostics.modules[0].solve).toBe('dual');
      expect(rp.diagnostics.modules[0].solve).toBe('primal');
      for (const [m, x] of rd.deltas) expect(relativeError(x.delta, rp.deltas.get(m)!.delta)).toBeLessThan(1e-6);
    }
  });
  it('ft is −lr·KᵀG of the stacked turn; statistics-only turns produce no ΔW', () => {
    const s = new SyntheticStream(mods.slice(2), 37);
    const turn = s.turn([3, 2]);
    const r = createEditor('ft', { lr: 0.5, ridge: 1 }).turn({ subBatches: turn });
    const [a, b] = [turn[0][0], turn[1][0]];
    const K = [...a.keys, ...b.keys];
    const G = [...a.grads, ...b.grads];
    const want = matmul(K, G, { m: 7, k: 5, n: 3, transA: true }).map((v) => -0.5 * v);
    expect(relativeError(r.deltas.get('c.c_proj')!.delta, want)).toBeLessThan(1e-6);
    const st = createEditor('stableedit', { lr: 0.5, ridge: 1 });
    const so = st.turn({ subBatches: turn, statisticsOnly: true });
    expect(so.deltas.size).toBe(0);
    expect(so.diagnostics.modules[0].deltaNorm).toBeNull();
    expect(st.saveState().shapes['7x3'].n).toBe(5);
  });
});
