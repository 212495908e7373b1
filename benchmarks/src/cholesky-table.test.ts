/** The FLOP model behind docs/benchmarks.md's ridge-solve table, checked by hand-computed values. */
import { describe, expect, it } from 'vitest';
import { choleskyTable, criticalPathFmas, singleWorkgroupShare } from './cholesky-table';

describe('cholesky bench model', () => {
  it('single-workgroup share: b²/n², all of it for one block', () => {
    expect(singleWorkgroupShare(2048, 32)).toBe(1 / 4096);
    expect(singleWorkgroupShare(32, 32)).toBe(1);
    expect(singleWorkgroupShare(20, 32)).toBe(1);
  });

  it('critical path: n³/6 over 256 for one block; per block column panel + trsm row + syrk invocation', () => {
    expect(criticalPathFmas(512, 512)).toBeCloseTo(512 ** 3 / 1536, 6);
    expect(criticalPathFmas(2048, 32)).toBeCloseTo(64 * (32 ** 3 / 1536 + 512 + 512), 6);
  });

  it('one table row per size, speed-up from the two factor times', () => {
    const row = {
      n: 256,
      m: 64,
      block: 32,
      solveBlock: 128,
      oneFactorMs: 200,
      blockedFactorMs: 50,
      oneSolveMs: 10,
      blockedSolveMs: 20,
      diff: 1e-6,
    };
    const lines = choleskyTable([row, { ...row, n: 512 }]).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/^\| 256 \| 64 \| 32 · 128 \| 200 · 50 \| 10 · 20 \| 4\.0× \|/);
  });
});
