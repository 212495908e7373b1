import { describe, expect, it } from 'vitest';
import { wasmThreadCount } from './wasm-threads';

describe('wasm EP thread count', () => {
  const page = { node: false, crossOriginIsolated: true, hardwareConcurrency: 8 };

  it('uses every core of a cross-origin isolated page, or fewer when asked', () => {
    expect(wasmThreadCount(page)).toBe(8);
    expect(wasmThreadCount(page, 1)).toBe(1);
    expect(wasmThreadCount(page, 3)).toBe(3);
    expect(wasmThreadCount(page, 64)).toBe(8); // capped at the cores
  });

  it('falls back to one thread without SharedArrayBuffer, an unknown core count, or in Node', () => {
    expect(wasmThreadCount({ ...page, crossOriginIsolated: false })).toBe(1);
    expect(wasmThreadCount({ ...page, crossOriginIsolated: false }, 4)).toBe(1);
    expect(wasmThreadCount({ ...page, hardwareConcurrency: undefined })).toBe(1);
    expect(wasmThreadCount({ ...page, hardwareConcurrency: 0 })).toBe(1);
    expect(wasmThreadCount({ ...page, node: true })).toBe(1);
  });

  it('rejects a count that is not a positive integer', () => {
    expect(() => wasmThreadCount(page, 0)).toThrow(/positive integer, got 0/);
    expect(() => wasmThreadCount(page, 1.5)).toThrow(/positive integer, got 1.5/);
  });
});
