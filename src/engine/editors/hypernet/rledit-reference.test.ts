/**
 * RLEdit's network, edit and backward against the reference itself: fixtures/rledit-reference.json is
 * written by scripts/hypernet/rledit-reference.py, which runs the reference's RLEditNet (nets.py) and
 * the math of predict_param_shifts / update_hypernet (editor/rledit.py) in torch float64. Then the
 * gradients against central finite differences of the port's own forward, λ's through the solve.
 */
import { describe, expect, it } from 'vitest';
import { advanceCount, chanMergeBlock, emptyRunningMoments } from '../../linalg/chan';
import { columnMoments } from '../../linalg/moments';
import { relativeError } from '../../linalg/test-matrices';
import { frobeniusInner } from '../../linalg/frobenius';
import { Rng } from '../../util/rng';
import fixture from './fixtures/rledit-reference.json';
import { predictShift, shiftBackward } from './rledit-edit';
import { mendBackward, predictMendShift } from './mend-edit';
import { blockProducts, shapeSize, zerosLike, type RLEditParams, type RLEditShape } from './rledit-net';
import { expectFiniteDifferences, expectParamsClose, normalizerOf, paramsOf, type FixtureCase } from './reference-fixture';

type Case = (typeof fixture.cases)[number];
const asCase = (c: Case) => c as unknown as FixtureCase;

describe('RLEdit against the reference (torch float64)', () => {
  for (const [ci, c] of fixture.cases.entries()) {
    it(`case ${ci}: normalizer, pseudo keys and values, coefficients, ΔW and every gradient ≤ 1e-9 relative`, () => {
      const s = c.shape as RLEditShape;
      const p = paramsOf(asCase(c));
      const norm = normalizerOf(asCase(c));
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
      expectParamsClose(grads, c.grads, 1e-9);
    });
  }
});

describe('MEND against the reference (torch float64)', () => {
  for (const [ci, c] of fixture.cases.entries()) {
    it(`case ${ci}: ΔW = −lr·K̃ᵀG̃ and every gradient ≤ 1e-9 relative`, () => {
      const s = c.shape as RLEditShape;
      const p = paramsOf(asCase(c));
      const pred = predictMendShift(p, s, normalizerOf(asCase(c)), c.keys, c.valuesGrad, c.rows, c.module);
      expect(relativeError(pred.shift, c.mendShift)).toBeLessThan(1e-9);
      const grads = zerosLike(p);
      mendBackward(p, s, pred, c.gradW, grads);
      expectParamsClose(grads, c.mendGrads, 1e-9);
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
    expectFiniteDifferences(p, analytic, () => mendLoss(p));
  });

  for (const form of ['dual', 'primal'] as const)
    it(`every parameter (λ through the ${form} solve) within 1e-6 relative of central differences`, () => {
      const analytic = zerosLike(p);
      shiftBackward(p, s, predictShift(p, s, norm, keys, grads, N, 1, form), keys, gW, analytic);
      expectFiniteDifferences(p, analytic, () => loss(p, form));
    });
});
