import { describe, expect, it } from 'vitest';
import type { GpuDeviceInfo } from '../protocol/messages';
import { formatLimit } from './format';
import { initialLabState, MAX_GPU_ERRORS, reduceEvent, reduceSent } from './store';

const info: GpuDeviceInfo = {
  adapter: { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallbackAdapter: false },
  features: ['subgroups'],
  adapterFeatures: ['subgroups', 'timestamp-query'],
  limits: { maxStorageBufferBindingSize: 2 ** 30 },
};

describe('store reducer', () => {
  it('holds the imported network until another model loads, settling its import', () => {
    const network = {
      editor: 'rledit',
      modules: ['a'],
      files: 'hypernet.json + network.safetensors',
      source: 'imported' as const,
      sha256: '0'.repeat(64),
    };
    let s = reduceSent(initialLabState, 'hypernet/import', 7);
    expect(s.pending['hypernet/import']).toBe(7);
    s = reduceEvent(s, { type: 'hypernet/ready', replyTo: 7, network });
    expect(s.hypernet).toEqual(network);
    expect(s.pending['hypernet/import']).toBeUndefined();
    const model = {
      name: 'm',
      arch: 'llama',
      params: 1,
      gpuBytes: 0,
      modules: [],
      backend: 'wasm' as const,
      layers: 1,
      hidden: 1,
      vocabSize: 1,
    };
    s = reduceEvent(s, { type: 'model/loaded', replyTo: 8, model });
    expect(s.hypernet).toBeNull();
  });

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
    const s = reduceEvent(initialLabState, {
      type: 'device/unavailable',
      replyTo: 1,
      reason: 'no-adapter',
      message: 'm',
      fallback: 'wasm',
    });
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

describe('lab reducer: commands, model, runs', () => {
  const summary = {
    name: 'demo',
    arch: 'llama',
    params: 10,
    gpuBytes: 0,
    modules: [],
    backend: 'wasm' as const,
    layers: 4,
    hidden: 128,
    vocabSize: 1011,
  };
  it('keeps the previous model when a later load fails, with the error and hint for that command', async () => {
    const { reduceSent } = await import('./store');
    let s = reduceSent(initialLabState, 'model/load', 1);
    s = reduceEvent(s, { type: 'model/loaded', replyTo: 1, model: summary });
    expect(s.model).toEqual({ status: 'loaded', summary });
    s = reduceSent(s, 'model/load', 2);
    expect(s.model.status).toBe('loading');
    s = reduceEvent(s, {
      type: 'command/failed',
      replyTo: 2,
      command: 'model/load',
      error: { name: 'InputError', message: 'x: HTTP 404' },
      hint: 'check the repo id',
    });
    expect(s.model).toEqual({ status: 'loaded', summary });
    expect(s.errors['model/load']).toEqual({ message: 'x: HTTP 404', hint: 'check the repo id' });
    expect(s.pending['model/load']).toBeUndefined();
    expect(reduceSent(s, 'model/load', 3).errors['model/load']).toBeUndefined();
  });
  it('settles run commands on the next run state', async () => {
    const { reduceSent } = await import('./store');
    let s = reduceSent(initialLabState, 'run/start', 4);
    expect(s.pending['run/start']).toBe(4);
    s = reduceEvent(s, { type: 'run/state', runId: 'r', state: 'running', step: 0, steps: 4, editsPerSecond: null, etaSeconds: null });
    expect(s.pending['run/start']).toBeUndefined();
    expect(s.runProgress.r).toEqual({ step: 0, steps: 4, editsPerSecond: null, etaSeconds: null });
  });
});
