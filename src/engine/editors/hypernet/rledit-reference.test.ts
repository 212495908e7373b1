/**
 * RLEdit's network, edit and backward against the reference itself: fixtures/rledit-reference.json is
 * written by scripts/hypernet/rledit-reference.py, which runs the reference's RLEditNet (nets.py) and
 * the math of predict_param_shifts / update_hypernet (editor/rledit.py) in torch float64. Then the
 * gradients against central finite differences of the port's own forward, λ's through the solve.
 */
import { describe, expect, it } from 'vitest';
import { advanceCount, chanMergeBlock, emptyRunningMoments, type RunningMoments } from '../../linalg/chan';
import { columnMoments } from '../../linalg/moments';
import { relativeError } from '../../linalg/test-matrices';
import { frobeniusInner } from '../../linalg/frobenius';
import { Rng } from '../../util/rng';
import fixture from './fixtures/rledit-reference.json';
import { predictShift, shiftBackward } from './rledit-edit';
import { mendBackward, predictMendShift } from './mend-edit';
import { blockProducts, paramArrays, shapeSize, zerosLike, type RLEditParams, type RLEditShape } from './rledit-net';

type Case = (typeof fixture.cases)[number];

function paramsOf(c: Case): RLEditParams {
  const s = c.shape as RLEditShape;
  const P = c.params as Record<string, number[]>;
  const f = (k: string) => Float64Array.from(P[k]);
  return {
    blocks: Array.from({ length: s.nBlocks }, (_, i) => ({
      A: f(`blocks.${i}.A`),
      B: f(`blocks.${i}.B`),
      bias: f(`blocks.${i}.bias`),
      scale: f(`blocks.${i}.scale.weight`),
      shift: f(`blocks.${i}.shift.weight`),
    })),
    lr: f('lr.weight'),
    lamda: f('lamda.weight'),
  };
}

/** The normalizer merged from the fixture's batches, as the reference's cache() does. */
function normalizerOf(c: Case): RunningMoments {
  const S = c.shape.dIn + c.shape.dOut;
  const st = emptyRunningMoments(S);
  c.batches.forEach((b, i) => {
    chanMergeBlock(st, columnMoments(b, c.batchRows[i], S), 0, 'biased');
    advanceCount(st, c.batchRows[i]);
  });
  return st;
}

describe('RLEdit against the reference (torch float64)', () => {
  for (const [ci, c] of fixture.cases.entries()) {
    it(`case ${ci}: normalizer, pseudo keys and values, coefficients, ΔW and every gradient ≤ 1e-9 relative`, () => {
      const s = c.shape as RLEditShape;
      const p = paramsOf(c);
      const norm = normalizerOf(c);
      expect(norm.n).toBe(c.normalizer.n);
      expect(relativeError(norm.mean, c.normalizer.mean)).toBeLessThan(1e-12);
      expect(relativeError(norm.m2, c.normalizer.var)).toBeLessThan(1e-12);
      const pred = predictShift(p, s, norm, c.keys, c.valuesGrad, c.rows, c.module);
      const S = shapeSize(s);
      const col = (lo: number, hi: number) => pred.tape.out.filter((_, q) => q % S >= lo && q % S < hi);
      expect(relativeError(col(0, s.dIn), c.pseudoKeys)).toBeLessThan(1e-9);
      expect(relativeError(col(s.dIn, S), c.pseudoValuesGrad)).toBeLessThan(1e-9);
      expect(relativeError(pred.coeff, c.coeffs)).toBeLessThan(1e-9);
      expect(relativeError(pred.shift, c.paramShift)).toBeLessThan(1e-9);
      const grads = zerosLike(p);
      shiftBackward(p, s, pred, c.keys, c.gradW, grads);
      const want = c.grads as Record<string, number[]>;
      for (const [name, g] of paramArrays(grads)) {
        const ref = want[name];
        const scale = Math.max(...ref.map(Math.abs), 1e-300);
        const err = Math.max(...Array.from(g, (x, i) => Math.abs(x - ref[i]))) / scale;
        expect(err, name).toBeLessThan(1e-9);
      }
    });
  }
});

describe('MEND against the reference (torch float64)', () => {
  for (const [ci, c] of fixture.cases.entries()) {
    it(`case ${ci}: ΔW = −lr·K̃ᵀG̃ and every gradient ≤ 1e-9 relative`, () => {
      const s = c.shape as RLEditShape;
      const p = paramsOf(c);
      const pred = predictMendShift(p, s, normalizerOf(c), c.keys, c.valuesGrad, c.rows, c.module);
      expect(relativeError(pred.shift, c.mendShift)).toBeLessThan(1e-9);
      const grads = zerosLike(p);
      mendBackward(p, s, pred, c.gradW, grads);
      const want = c.mendGrads as Record<string, number[]>;
      for (const [name, g] of paramArrays(grads)) {
        const ref = want[name];
        const scale = Math.max(...ref.map(Math.abs));
        const err = Math.max(...Array.from(g, (x, i) => Math.abs(x - ref[i])));
        if (scale === 0) expect(err, name).toBe(0);
        else expect(err / scale, name).toBeLessThan(1e-9);
      }
    });
  }
});

describe('RLEdit gradients against finite differences', () => {
  const s: RLEditShape = { dIn: 6, dOut: 4, rank: 3, nBlocks: 2, modules: 2 };
  const rng = new Rng(7);
  const S = shapeSize(s);
  const N = 5;
  const randn = (n: number, std = 1) => rng.normals(n, std) as Float64Array;
  const p: RLEditParams = {
    blocks: Array.from({ length: s.nBlocks }, () => ({
      A: randn(S * s.rank),
      B: randn(s.rank * S, 0.3),
      bias: randn(S, 0.3),
      scale: randn(s.modules * S, 0.3).map((x) => 1 + x),
      shift: randn(s.modules * S, 0.3),
    })),
    lr: Float64Array.of(0.04, 0.06),
    lamda: Float64Array.of(0.2, -0.4),
  };
  const norm = emptyRunningMoments(S);
  chanMergeBlock(norm, columnMoments(randn(8 * S), 8, S), 0, 'biased');
  advanceCount(norm, 8);
  const keys = randn(N * s.dIn);
  const grads = randn(N * s.dOut, 0.1);
  const gW = randn(s.dIn * s.dOut);
  // A scalar loss of the edit: L(θ) = ⟨gW, ΔW(θ)⟩, so ∂L/∂ΔW = gW exactly.
  const loss = (q: RLEditParams, form: 'dual' | 'primal') => frobeniusInner(gW, predictShift(q, s, norm, keys, grads, N, 1, form).shift);

  it('the run-time forward through block products h·(AB) = the (h·A)·B forward (ΔW ≤ 1e-12 relative)', () => {
    const plain = predictShift(p, s, norm, keys, grads, N, 1).shift;
    const fused = predictShift(p, s, norm, keys, grads, N, 1, undefined, blockProducts(p, s)).shift;
    expect(relativeError(fused, plain)).toBeLessThan(1e-12);
    expect(relativeError(fused, plain)).toBeGreaterThan(0); // a different association, not the same path
  });

  it('MEND: every parameter within 1e-6 relative of central differences', () => {
    const mendLoss = (q: RLEditParams) => frobeniusInner(gW, predictMendShift(q, s, norm, keys, grads, N, 1).shift);
    const analytic = zerosLike(p);
    mendBackward(p, s, predictMendShift(p, s, norm, keys, grads, N, 1), gW, analytic);
    const h = 1e-6;
    const pa = paramArrays(p);
    const ga = paramArrays(analytic);
    for (let a = 0; a < pa.length; a++) {
      const [name, x] = pa[a];
      const g = ga[a][1];
      const scale = Math.max(...Array.from(g, Math.abs));
      let worst = 0;
      for (let i = 0; i < x.length; i++) {
        const x0 = x[i];
        x[i] = x0 + h;
        const up = mendLoss(p);
        x[i] = x0 - h;
        const down = mendLoss(p);
        x[i] = x0;
        worst = Math.max(worst, Math.abs((up - down) / (2 * h) - g[i]));
      }
      if (scale > 0) expect(worst / scale, name).toBeLessThan(1e-6);
      else expect(worst, name).toBeLessThan(1e-9);
    }
  });

  for (const form of ['dual', 'primal'] as const)
    it(`every parameter (λ through the ${form} solve) within 1e-6 relative of central differences`, () => {
      const analytic = zerosLike(p);
      shiftBackward(p, s, predictShift(p, s, norm, keys, grads, N, 1, form), keys, gW, analytic);
      const h = 1e-6;
      const pa = paramArrays(p);
      const ga = paramArrays(analytic);
      for (let a = 0; a < pa.length; a++) {
        const [name, x] = pa[a];
        const g = ga[a][1];
        const scale = Math.max(...Array.from(g, Math.abs));
        let worst = 0;
        for (let i = 0; i < x.length; i++) {
          const x0 = x[i];
          x[i] = x0 + h;
          const up = loss(p, form);
          x[i] = x0 - h;
          const down = loss(p, form);
          x[i] = x0;
          worst = Math.max(worst, Math.abs((up - down) / (2 * h) - g[i]));
        }
        if (scale > 0) expect(worst / scale, name).toBeLessThan(1e-6);
        else expect(worst, name).toBeLessThan(1e-9);
      }
    });
});
