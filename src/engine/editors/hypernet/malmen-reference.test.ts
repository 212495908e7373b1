/**
 * MALMEN's edit and backward against the reference itself: fixtures/malmen-reference.json is written
 * by scripts/hypernet/malmen-reference.py, which runs editor/malmen.py's predict_param_shifts and
 * update_hypernet (padded chunks of editor.batch_size, the normal equation with e^λ, λ's gradient
 * through the solve), clip_grad_norm_ and one Adam step, on the reference's RLEditNet in torch
 * float64. Then the gradients against central finite differences of the port's own chunked forward,
 * λ's through the solve, and the chunking against the all-rows edit.
 */
import { describe, expect, it } from 'vitest';
import { advanceCount, chanMergeBlock, emptyRunningMoments } from '../../linalg/chan';
import { columnMoments } from '../../linalg/moments';
import { relativeError } from '../../linalg/test-matrices';
import { frobeniusInner } from '../../linalg/frobenius';
import { adamStep } from '../../util/adam';
import { Rng } from '../../util/rng';
import fixture from './fixtures/malmen-reference.json';
import { clipGradNorm } from './clip-grad';
import { malmenBackward, predictMalmenShift } from './malmen-edit';
import { predictShift, shiftBackward } from './rledit-edit';
import { paramArrays, shapeSize, zerosLike, type RLEditParams, type RLEditShape } from './rledit-net';
import { expectFiniteDifferences, expectParamsClose, normalizerOf, paramsOf, type FixtureCase } from './reference-fixture';

describe('MALMEN against the reference (torch float64)', () => {
  for (const [ci, c] of fixture.cases.entries()) {
    it(`case ${ci} (${c.rows} rows in chunks of ${c.batchSize}): coefficients, V, ΔW, every gradient, the clip and Adam's step ≤ 1e-9 relative`, () => {
      const s = c.shape as RLEditShape;
      const p = paramsOf(c as unknown as FixtureCase);
      const norm = normalizerOf(c as unknown as FixtureCase);
      const pred = predictMalmenShift(p, s, norm, c.keys, c.valuesGrad, c.rows, c.module, c.batchSize);
      expect(pred.form).toBe(c.rows < s.dIn ? 'dual' : 'primal');
      expect(relativeError(pred.coeff, c.coeffs)).toBeLessThan(1e-9);
      expect(relativeError(pred.values, c.valueDiffs)).toBeLessThan(1e-9);
      expect(relativeError(pred.shift, c.paramShift)).toBeLessThan(1e-9);
      const grads = zerosLike(p);
      malmenBackward(p, s, norm, pred, c.keys, c.valuesGrad, c.gradW, grads);
      expectParamsClose(grads, c.grads, 1e-9);

      // update_hypernet's clip_grad_norm_ and opt.step() (torch.optim.Adam, meta_lr), from the initial parameters.
      const clipped = { net: grads };
      expect(Math.abs(clipGradNorm(clipped, c.maxGradNorm) - c.gradNorm) / c.gradNorm).toBeLessThan(1e-12);
      const g = paramArrays(clipped.net);
      const m = paramArrays(zerosLike(p));
      const v = paramArrays(zerosLike(p));
      const before = paramArrays(paramsOf(c as unknown as FixtureCase));
      const stepped = c.stepped as Record<string, number[]>;
      paramArrays(p).forEach(([name, x], i) => {
        adamStep(x, g[i][1], m[i][1], v[i][1], 1, c.metaLr);
        let err = 0;
        let step = 0;
        for (let q = 0; q < x.length; q++) {
          err = Math.max(err, Math.abs(x[q] - stepped[name][q]));
          step = Math.max(step, Math.abs(stepped[name][q] - before[i][1][q]));
        }
        if (step === 0) expect(err, name).toBe(0);
        else expect(err / step, name).toBeLessThan(1e-9);
      });
    });
  }
});

describe('MALMEN gradients against finite differences', () => {
  const s: RLEditShape = { dIn: 6, dOut: 4, rank: 3, nBlocks: 2, modules: 2 };
  const rng = new Rng(11);
  const S = shapeSize(s);
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
  const gW = randn(s.dIn * s.dOut);

  // N = 5 < dIn in chunks of 2 (the dual solve), N = 9 ≥ dIn in chunks of 4 (the primal one); the last chunk short in both.
  for (const [N, batch] of [
    [5, 2],
    [9, 4],
  ]) {
    const keys = randn(N * s.dIn);
    const grads = randn(N * s.dOut, 0.1);
    // A scalar loss of the edit: L(θ) = ⟨gW, ΔW(θ)⟩, so ∂L/∂ΔW = gW exactly.
    const loss = () => frobeniusInner(gW, predictMalmenShift(p, s, norm, keys, grads, N, 1, batch).shift);

    it(`${N} rows in chunks of ${batch}: every parameter, λ through the solve included, within 1e-6 relative of central differences`, () => {
      const analytic = zerosLike(p);
      malmenBackward(p, s, norm, predictMalmenShift(p, s, norm, keys, grads, N, 1, batch), keys, grads, gW, analytic);
      expect(Math.abs(analytic.lamda[1])).toBeGreaterThan(0);
      expectFiniteDifferences(p, analytic, loss);
    });

    it(`${N} rows in chunks of ${batch}: ΔW and the gradient = RLEdit's all-rows edit (≤ 1e-12 relative; the network is row-wise)`, () => {
      const chunked = predictMalmenShift(p, s, norm, keys, grads, N, 1, batch);
      const whole = predictShift(p, s, norm, keys, grads, N, 1);
      expect(relativeError(chunked.shift, whole.shift)).toBeLessThan(1e-12);
      const a = zerosLike(p);
      const b = zerosLike(p);
      malmenBackward(p, s, norm, chunked, keys, grads, gW, a);
      shiftBackward(p, s, whole, keys, gW, b);
      paramArrays(a).forEach(([name, x], i) => expect(relativeError(x, paramArrays(b)[i][1]), name).toBeLessThan(1e-12));
    });
  }
});
