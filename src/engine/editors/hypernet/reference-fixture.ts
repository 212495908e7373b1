/**
 * What the hypernetwork tests share (rledit-reference.test.ts, malmen-reference.test.ts): the
 * network and normalizer of a torch fixture case (scripts/hypernet/*-reference.py), and the check of
 * an analytic gradient against central differences of a scalar loss of the parameters.
 */
import { expect } from 'vitest';
import { advanceCount, chanMergeBlock, emptyRunningMoments, type RunningMoments } from '../../linalg/chan';
import { columnMoments } from '../../linalg/moments';
import { paramArrays, type RLEditParams, type RLEditShape } from './rledit-net';

export interface FixtureCase {
  shape: RLEditShape;
  params: Record<string, number[]>;
  batches: number[][];
  batchRows: number[];
}

/** The case's parameters under the reference's state_dict names. */
export function paramsOf(c: FixtureCase): RLEditParams {
  const f = (k: string) => Float64Array.from(c.params[k]);
  return {
    blocks: Array.from({ length: c.shape.nBlocks }, (_, i) => ({
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

/** The normalizer merged from the case's batches, as the reference's cache() does. */
export function normalizerOf(c: FixtureCase): RunningMoments {
  const S = c.shape.dIn + c.shape.dOut;
  const st = emptyRunningMoments(S);
  c.batches.forEach((b, i) => {
    chanMergeBlock(st, columnMoments(b, c.batchRows[i], S), 0, 'biased');
    advanceCount(st, c.batchRows[i]);
  });
  return st;
}

/** Every parameter array of `got` within `tol` of `want` relative to the array's largest |want| (exactly, where that is 0). */
export function expectParamsClose(got: RLEditParams, want: Record<string, number[] | null | undefined>, tol: number): void {
  for (const [name, g] of paramArrays(got)) {
    const ref = want[name];
    expect(ref, name).toBeTruthy();
    const scale = Math.max(...ref!.map(Math.abs));
    const err = Math.max(...Array.from(g, (x, i) => Math.abs(x - ref![i])));
    if (scale === 0) expect(err, name).toBe(0);
    else expect(err / scale, name).toBeLessThan(tol);
  }
}

/**
 * Each parameter's analytic gradient within `tol` (relative to its array's largest entry; ≤ 1e-9
 * absolute where that is 0) of central differences with step h of `loss` at `p`.
 */
export function expectFiniteDifferences(p: RLEditParams, analytic: RLEditParams, loss: () => number, tol = 1e-6, h = 1e-6): void {
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
      const up = loss();
      x[i] = x0 - h;
      const down = loss();
      x[i] = x0;
      worst = Math.max(worst, Math.abs((up - down) / (2 * h) - g[i]));
    }
    if (scale > 0) expect(worst / scale, name).toBeLessThan(tol);
    else expect(worst, name).toBeLessThan(1e-9);
  }
}
