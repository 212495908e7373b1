import { describe, expect, it } from 'vitest';
import type { GpuDeviceInfo } from '../protocol/messages';
import { formatLimit } from './format';
import { initialLabState, MAX_GPU_ERRORS, reduceEvent } from './store';

const info: GpuDeviceInfo = {
  adapter: { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallbackAdapter: false },
  features: ['subgroups'],
  adapterFeatures: ['subgroups', 'timestamp-query'],
  limits: { maxStorageBufferBindingSize: 2 ** 30 },
};

describe('store reducer', () => {
  it('tracks the device from ready to lost, keeping what it was', () => {
    let s = reduceEvent(initialLabState, { type: 'worker/ready', protocolVersion: 1, crossOriginIsolated: true });
    expect(s.worker).toEqual({ ready: true, protocolVersion: 1, crossOriginIsolated: true });
    s = reduceEvent(s, { type: 'device/ready', replyTo: 1, info });
    expect(s.device).toEqual({ status: 'ready', info });
    s = reduceEvent(s, { type: 'device/lost', reason: 'unknown', message: 'gone' });
    expect(s.device).toEqual({ status: 'lost', message: 'gone', info });
  });

  it('keeps a worker failure next to what the worker reported', () => {
    let s = reduceEvent(initialLabState, { type: 'worker/ready', protocolVersion: 1, crossOriginIsolated: false });
    s = reduceEvent(s, { type: 'worker/error', message: 'boom' });
    expect(s.worker).toEqual({ ready: true, protocolVersion: 1, crossOriginIsolated: false, error: 'boom' });
    expect(s.device.status).toBe('starting');
  });

  it('records unavailability with its reason and the wasm fallback', () => {
    const s = reduceEvent(initialLabState, { type: 'device/unavailable', replyTo: 1, reason: 'no-adapter', message: 'm', fallback: 'wasm' });
    expect(s.device).toEqual({ status: 'unavailable', reason: 'no-adapter', message: 'm', fallback: 'wasm' });
  });

  it('caps the uncaptured-error log at the newest MAX_GPU_ERRORS', () => {
    let s = initialLabState;
    for (let i = 0; i < MAX_GPU_ERRORS + 5; i++) s = reduceEvent(s, { type: 'device/error', kind: 'validation', message: `e${i}` }, i);
    expect(s.gpuErrors.length).toBe(MAX_GPU_ERRORS);
    expect(s.gpuErrors[0].message).toBe('e5');
    expect(s.gpuErrors.at(-1)!.message).toBe(`e${MAX_GPU_ERRORS + 4}`);
  });
});

describe('formatLimit', () => {
  it('shows byte limits in the largest exact binary unit and counts plainly', () => {
    expect(formatLimit('maxStorageBufferBindingSize', 2 ** 30)).toBe('1 GiB');
    expect(formatLimit('maxComputeWorkgroupStorageSize', 32768)).toBe('32 KiB');
    expect(formatLimit('maxBufferSize', 268435460)).toBe('268,435,460 B');
    expect(formatLimit('maxComputeWorkgroupsPerDimension', 65535)).toBe('65,535');
  });
});
