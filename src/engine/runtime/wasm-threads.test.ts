import { describe, expect, it } from 'vitest';
import { coreThreadCount, WASM_THREAD_CAP, wasmThreadCount } from './wasm-thread-count';
import { lockWasmThreads, requestWasmThreads } from './wasm-threads';

describe('wasm EP thread count', () => {
  const page = { node: false, crossOriginIsolated: true, hardwareConcurrency: 8 };

  it('uses every core of a cross-origin isolated page, or fewer when asked', () => {
    expect(wasmThreadCount(page)).toBe(8);
    expect(wasmThreadCount({ ...page, hardwareConcurrency: 2 })).toBe(2);
    expect(wasmThreadCount(page, 1)).toBe(1);
    expect(wasmThreadCount(page, 3)).toBe(3);
    expect(wasmThreadCount(page, 64)).toBe(8); // capped at the cores
  });

  it('stops at the cap unless more are asked for', () => {
    const big = { ...page, hardwareConcurrency: 32 };
    expect(wasmThreadCount(big)).toBe(WASM_THREAD_CAP);
    expect(wasmThreadCount(big, 12)).toBe(12);
  });

  it('falls back to one thread without SharedArrayBuffer, an unknown core count, or in Node', () => {
    expect(wasmThreadCount({ ...page, crossOriginIsolated: false })).toBe(1);
    expect(wasmThreadCount({ ...page, crossOriginIsolated: false }, 4)).toBe(1);
    expect(wasmThreadCount({ ...page, hardwareConcurrency: undefined })).toBe(1);
    expect(wasmThreadCount({ ...page, hardwareConcurrency: 0 })).toBe(1);
    expect(wasmThreadCount({ ...page, node: true })).toBe(1);
  });

  it('rejects a count that is not a positive integer, naming the setting', () => {
    expect(() => wasmThreadCount(page, 0)).toThrow('wasm threads: expected a positive integer, got 0');
    expect(() => wasmThreadCount(page, 1.5)).toThrow(/positive integer, got 1.5/);
  });

  it('the same rule counts the float64 editor math threads (Node included): every core up to the cap, or the request', () => {
    expect(coreThreadCount(2)).toBe(2);
    expect(coreThreadCount(32)).toBe(WASM_THREAD_CAP);
    expect(coreThreadCount(2, 1)).toBe(1);
    expect(coreThreadCount(2, 4)).toBe(2);
    expect(coreThreadCount(undefined)).toBe(1);
    expect(() => coreThreadCount(2, 0, 'float64 threads')).toThrow('float64 threads: expected a positive integer, got 0');
  });

  it('takes a request until the first session fixes the count, then says why it stays', () => {
    expect(requestWasmThreads(4, page)).toEqual({ threads: 4 });
    expect(requestWasmThreads(2, page)).toEqual({ threads: 2 }); // still free: the last request wins
    expect(lockWasmThreads()).toBe(2);
    expect(requestWasmThreads(2, page)).toEqual({ threads: 2 });
    const later = requestWasmThreads(undefined, page);
    expect(later.threads).toBe(2);
    expect(later.note).toBe('2 wasm threads: the count is fixed when the page first runs a model on the CPU; reload the page to use 8');
  });
});
