import { describe, expect, it } from 'vitest';
import { maxRelativeError } from './compare';
import { ceilDiv, grid2d, splitWorkgroups } from './dispatch';
import { pipelineKey } from './pipelines';
import { sourcesFromRecord } from './shader-sources';
import { fileShaderSources } from './shader-sources-fs';
import { paddedSize } from './buffers';

describe('workgroup-count math', () => {
  it('ceilDiv rounds up and rejects a non-positive divisor', () => {
    expect([ceilDiv(0, 64), ceilDiv(1, 64), ceilDiv(64, 64), ceilDiv(65, 64), ceilDiv(129, 64)]).toEqual([0, 1, 1, 2, 3]);
    expect(() => ceilDiv(5, 0)).toThrow(/positive/);
  });

  it('keeps a 1D grid when it fits, splits into x·y ≥ count with < y idle workgroups otherwise', () => {
    expect(splitWorkgroups(65535, 65535)).toEqual([65535, 1, 1]);
    for (const [count, max] of [
      [65536, 65535],
      [1_000_000, 65535],
      [16, 7],
      [49, 7],
      [65535 * 65535, 65535],
    ]) {
      const [x, y, z] = splitWorkgroups(count, max);
      expect(z).toBe(1);
      expect(x).toBeLessThanOrEqual(max);
      expect(y).toBeLessThanOrEqual(max);
      expect(x * y).toBeGreaterThanOrEqual(count);
      expect(x * y - count).toBeLessThan(y);
      // Every linear index wg.y·x + wg.x < count is reached exactly once: the grid is a prefix cover.
      expect((y - 1) * x).toBeLessThan(count);
    }
    expect(splitWorkgroups(16, 7)).toEqual([6, 3, 1]);
    expect(() => splitWorkgroups(50, 7)).toThrow(/2D split limit/);
    expect(() => splitWorkgroups(1.5, 7)).toThrow(/integer/);
  });

  it('grid2d tiles columns on x and rows on y and refuses grids past the limit', () => {
    expect(grid2d(37, 29, 64, 64, 65535)).toEqual([1, 1, 1]);
    expect(grid2d(130, 70, 64, 64, 65535)).toEqual([2, 3, 1]);
    expect(() => grid2d(64 * 10, 1, 64, 64, 9)).toThrow(/10 workgroup grid|1×10/);
  });

  it('pads buffer sizes to non-empty multiples of 4 bytes', () => {
    expect([paddedSize(0), paddedSize(1), paddedSize(4), paddedSize(5)]).toEqual([4, 4, 4, 8]);
  });
});

describe('pipeline cache key', () => {
  it('depends on shader, entry and constant values but not on constant order', () => {
    const k = pipelineKey({ shader: 'matmul', constants: { TRANS_A: true, TRANS_B: false } });
    expect(pipelineKey({ shader: 'matmul', entry: 'main', constants: { TRANS_B: false, TRANS_A: true } })).toBe(k);
    expect(pipelineKey({ shader: 'matmul', constants: { TRANS_A: false, TRANS_B: false } })).not.toBe(k);
    expect(pipelineKey({ shader: 'matmul', entry: 'other', constants: { TRANS_A: true, TRANS_B: false } })).not.toBe(k);
    expect(pipelineKey({ shader: 'moments' })).not.toBe(pipelineKey({ shader: 'matmul' }));
  });
});

describe('shader sources', () => {
  it('finds shaders by file stem and names the missing one with what exists', () => {
    const s = sourcesFromRecord({ '/shaders/a.wgsl': 'A', '/shaders/b.wgsl': 'B' }, 'test');
    expect(s('a')).toBe('A');
    expect(() => s('c')).toThrow(/shader c: no c\.wgsl in test \(have: a, b\)/);
  });

  it('the Node loader reads the repository shaders', () => {
    const s = fileShaderSources();
    expect(s('matmul')).toMatch(/override TRANS_A: bool/);
    expect(s('moments')).toMatch(/@compute @workgroup_size\(64, 4\)/);
  });
});

describe('maxRelativeError', () => {
  it('is max|a − r| / max|r|', () => {
    expect(maxRelativeError([1, 2, 4.5], [1, 2, 4])).toBeCloseTo(0.5 / 4, 15);
    expect(maxRelativeError([1e-9, 10], [0, 10])).toBeCloseTo(1e-10, 20);
  });
  it('falls back to absolute error for an all-zero reference, and propagates NaN', () => {
    expect(maxRelativeError([0, 0], [0, 0])).toBe(0);
    expect(maxRelativeError([0, 3e-3], [0, 0])).toBe(3e-3);
    expect(maxRelativeError([NaN, 1], [1, 1])).toBeNaN();
    expect(() => maxRelativeError([1], [1, 2])).toThrow(/length mismatch/);
  });
});
