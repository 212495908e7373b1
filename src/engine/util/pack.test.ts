import { describe, expect, it } from 'vitest';
import { pack, unpack } from './pack';

describe('pack/unpack', () => {
  it('round-trips typed arrays bit-exactly, maps and non-finite numbers', () => {
    const value = {
      a: new Float64Array([Math.PI, -0, 1e-310, NaN]),
      b: { c: new Float32Array([1.5, 3.25, -7]), d: [new Int32Array([1, -2]), 'text'] },
      m: new Map([['x', 1]]),
      inf: -Infinity,
      odd: new Uint8Array([1, 2, 3]),
    };
    const back = unpack<typeof value>(pack(value));
    expect(Array.from(back.a)).toEqual(Array.from(value.a));
    expect(Object.is(back.a[1], -0)).toBe(true);
    expect(back.b.c).toBeInstanceOf(Float32Array);
    expect(Array.from(back.b.c)).toEqual([1.5, 3.25, -7]);
    expect(Array.from(back.b.d[0] as Int32Array)).toEqual([1, -2]);
    expect(back.m.get('x')).toBe(1);
    expect(back.inf).toBe(-Infinity);
    expect(Array.from(back.odd)).toEqual([1, 2, 3]);
  });

  it('rejects truncated or foreign bytes with a message', () => {
    const bytes = pack({ a: new Float64Array(10) });
    expect(() => unpack(bytes.subarray(0, bytes.length - 8), 'ckpt')).toThrow(/ckpt: array runs past the end/);
    expect(() => unpack(new Uint8Array(16), 'ckpt')).toThrow(/bad magic/);
  });
});
