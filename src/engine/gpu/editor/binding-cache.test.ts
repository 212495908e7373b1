/**
 * BindingCache against a recording stand-in for GPUDevice (no WebGPU in Node): what it creates, what it
 * rewrites and when. The real-device check is e2e/pages/binding-checks.ts (a GPU editor turn of an
 * unchanged shape creates nothing).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { BindingCache } from './binding-cache';

beforeAll(() => {
  (globalThis as { GPUBufferUsage?: object }).GPUBufferUsage ??= { UNIFORM: 64, COPY_DST: 8 };
});

function fakeDevice() {
  const writes: { buffer: object; bytes: number[] }[] = [];
  const destroyed = new Set<object>();
  const device = {
    createBuffer: (d: { size: number; label: string }) => ({
      ...d,
      destroy() {
        destroyed.add(this);
      },
    }),
    createBindGroup: (d: { entries: { binding: number }[] }) => ({ bindings: d.entries.map((e) => e.binding) }),
    queue: { writeBuffer: (buffer: object, _o: number, data: Uint8Array) => writes.push({ buffer, bytes: [...data] }) },
  };
  return { device: device as unknown as GPUDevice, writes, destroyed };
}

const pipeline = { getBindGroupLayout: () => ({}) } as unknown as GPUComputePipeline;
const buf = (label: string) => ({ label, destroy() {} }) as unknown as GPUBuffer;
const params = (...v: number[]) => new Uint32Array(v).buffer;

describe('BindingCache', () => {
  it('makes a slot once per (pipeline, buffers, occurrence in the submit) and reuses it after the submit', () => {
    const { device } = fakeDevice();
    const c = new BindingCache(device);
    const [a, b] = [buf('a'), buf('b')];
    const g1 = c.bind('k', pipeline, [a, b], params(1), 'x');
    const g2 = c.bind('k', pipeline, [a, b], params(2), 'x'); // same submit: a second slot
    const g3 = c.bind('k', pipeline, [b, a], params(1), 'x'); // other buffers: a third
    expect(new Set([g1, g2, g3]).size).toBe(3);
    expect(c.created).toEqual({ bindGroups: 3, uniformBuffers: 3 });
    c.submitted();
    expect(c.bind('k', pipeline, [a, b], params(1), 'x')).toBe(g1);
    expect(c.bind('k', pipeline, [a, b], params(2), 'x')).toBe(g2);
    expect(c.created).toEqual({ bindGroups: 3, uniformBuffers: 3 });
  });

  it('writes a parameter block only when its bytes change', () => {
    const { device, writes } = fakeDevice();
    const c = new BindingCache(device);
    const a = buf('a');
    c.bind('k', pipeline, [a], params(7, 1), 'x');
    c.submitted();
    c.bind('k', pipeline, [a], params(7, 1), 'x');
    c.submitted();
    c.bind('k', pipeline, [a], params(7, 2), 'x');
    expect(writes.map((w) => w.bytes[4])).toEqual([1, 2]);
  });

  it('leaves unused bindings out and puts the parameter block after the buffers', () => {
    const { device } = fakeDevice();
    const c = new BindingCache(device);
    const g = c.bind('k', pipeline, [buf('a'), null], params(0), 'x') as unknown as { bindings: number[] };
    expect(g.bindings).toEqual([0, 2]);
  });

  it('forgets the slots of a buffer about to be destroyed, freeing their parameter blocks', () => {
    const { device, destroyed } = fakeDevice();
    const c = new BindingCache(device);
    const [a, b] = [buf('a'), buf('b')];
    c.bind('k', pipeline, [a], params(0), 'x');
    c.bind('k', pipeline, [b], params(0), 'x');
    c.forget(a);
    expect(c.size).toBe(1);
    expect(destroyed.size).toBe(1);
    c.submitted();
    c.bind('k', pipeline, [a], params(0), 'x');
    expect(c.created.bindGroups).toBe(3);
  });
});
