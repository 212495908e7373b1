import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng';
import { inverseSqrtEigh } from './inverseSqrt';
import { newtonSchulzInverseSqrt } from './newtonSchulz';
import { relativeError, spdWithCondition } from './testMatrices';

// Spectra from 10 down to 10/κ stay above the 1e-6 clamp, so eigh is the exact Σ^{-1/2} here.
describe('coupled Newton–Schulz Σ^{-1/2} vs the exact eigendecomposition', () => {
  it('fp64 reaches ~1e-10 at κ = 1e2, 1e4 and stays accurate at 1e6', () => {
    const rng = new Rng(41);
    for (const [kappa, tol] of [
      [1e2, 1e-12],
      [1e4, 1e-10],
      [1e6, 1e-8],
    ] as const) {
      const { a } = spdWithCondition(32, kappa, 10, rng);
      const exact = inverseSqrtEigh(a, 32).invSqrt;
      const ns = newtonSchulzInverseSqrt(a, 32);
      expect(relativeError(ns.invSqrt, exact)).toBeLessThan(tol);
      // Iterations ≈ log(κ)/log(2.25) + a few (DESIGN.md §6).
      expect(ns.iterations).toBeLessThan(Math.log(kappa) / Math.log(2.25) + 12);
    }
  });
  it('fp32-emulated arithmetic floors near the DESIGN.md figures (3e-6, 1e-4, 7e-3), within 10×', () => {
    const rng = new Rng(42);
    for (const [kappa, floor] of [
      [1e2, 3e-6],
      [1e4, 1e-4],
      [1e6, 7e-3],
    ] as const) {
      const { a } = spdWithCondition(24, kappa, 10, rng);
      const err = relativeError(newtonSchulzInverseSqrt(a, 24, { precision: 'f32' }).invSqrt, inverseSqrtEigh(a, 24).invSqrt);
      expect(err).toBeLessThan(10 * floor);
    }
  });
});
