import { describe, expect, it } from 'vitest';
import { InputError } from '../types';
import { bytesFile, memoryFolder } from '../io/memory';
import { Rng } from '../util/rng';
import { openCheckpointTensors } from './checkpoint';
import { DTYPE_SIZE, bf16ShiftFor, bf16ToF16Exact, bf16ToF32, f16ToF32, f32ToBf16, f32ToF16, widen16 } from './dtypes';
import { encodeSafetensors } from './encode';
import { readSafetensorsHeader, type TensorInfo } from './header';
import { readTensorF32, readTensorI32 } from './read';

/** A file from a raw header object and data size, bypassing the writer's own checks. */
function rawFile(header: unknown, dataBytes: number, name = 'bad.safetensors', headerLenOverride?: number): ReturnType<typeof bytesFile> {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setUint32(0, headerLenOverride ?? json.length, true);
  out.set(json, 8);
  return bytesFile(name, out);
}

async function rejects(p: Promise<unknown>, ...parts: (string | RegExp)[]): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  for (const s of parts) expect((err as Error).message).toMatch(s);
}

describe('half-precision conversions', () => {
  it('f16: every non-NaN bit pattern survives f16 → f32 → f16 exactly', () => {
    for (let h = 0; h < 65536; h++) {
      const x = f16ToF32(h);
      if (Number.isNaN(x)) {
        expect(Number.isNaN(f16ToF32(f32ToF16(x)))).toBe(true);
        continue;
      }
      expect(f32ToF16(x)).toBe(h);
    }
  });

  it('bf16: every non-NaN bit pattern survives bf16 → f32 → bf16 exactly', () => {
    for (let b = 0; b < 65536; b++) {
      const x = bf16ToF32(b);
      if (Number.isNaN(x)) continue;
      expect(f32ToBf16(x)).toBe(b);
    }
  });

  it('rounds to nearest, ties to even, like torch', () => {
    // f16 around 1: ulp 2^-10. 1 + ulp/2 ties to 1 (even), 1 + 3ulp/2 ties to 1 + 2ulp.
    expect(f16ToF32(f32ToF16(1 + 2 ** -11))).toBe(1);
    expect(f16ToF32(f32ToF16(1 + 3 * 2 ** -11))).toBe(1 + 2 ** -9);
    expect(f16ToF32(f32ToF16(1 + 2 ** -11 + 2 ** -20))).toBe(1 + 2 ** -10);
    expect(f32ToF16(65504)).toBe(0x7bff);
    expect(f32ToF16(65520)).toBe(0x7c00); // halfway to the next binade rounds to Inf
    expect(f16ToF32(f32ToF16(2 ** -25))).toBe(0); // tie at half the smallest subnormal → even (0)
    expect(f16ToF32(f32ToF16(3 * 2 ** -25))).toBe(2 ** -23);
    // bf16 around 1: ulp 2^-7.
    expect(bf16ToF32(f32ToBf16(1 + 2 ** -8))).toBe(1);
    expect(bf16ToF32(f32ToBf16(1 + 3 * 2 ** -8))).toBe(1 + 2 ** -6);
  });
});

describe('bf16 → fp16 bits of the same value times 2^shift (frozen weights in 16 bits)', () => {
  it('is exact for every bf16 bit pattern it accepts, and refuses only what fp16 cannot hold exactly', () => {
    for (const shift of [0, 5, 16, 30, -3]) {
      let accepted = 0;
      for (let bits = 0; bits < 0x10000; bits++) {
        const v = bf16ToF32(bits) * 2 ** shift; // exact in float64
        const h = bf16ToF16Exact(bits, shift);
        if (h >= 0) {
          accepted++;
          expect(Object.is(f16ToF32(h), v), `bits ${bits} shift ${shift}`).toBe(true);
        } else {
          const subnormal = (bits & 0x7f80) === 0 && (bits & 0x7f) !== 0;
          // the nearest fp16 differs (or overflows), the value is not finite, or it is a bf16 subnormal
          expect(!Number.isFinite(v) || subnormal || f16ToF32(f32ToF16(v)) !== v, `bits ${bits} shift ${shift}`).toBe(true);
        }
      }
      // 33 whole binades (2^-17 … 2^15: 128 mantissas × 2 signs each), 254 of the next 7 down, and ±0.
      expect(accepted).toBe(33 * 256 + 254 + 2);
    }
  });

  it('puts the largest binade at fp16’s top, and widen16 scales back exactly', () => {
    const values = [0.5, -0.013671875, 3.0517578125e-5, 1.1920928955078125e-7, 0];
    const bits = values.map(f32ToBf16);
    const shift = bf16ShiftFor(Math.max(...bits.map((b) => (b >>> 7) & 0xff)));
    expect(shift).toBe(16); // 0.5 = 2^-1 → 2^15
    const h = Uint16Array.from(bits, (b) => bf16ToF16Exact(b, shift));
    expect(Array.from(widen16(h, shift))).toEqual(values);
  });
});

describe('encodeSafetensors / readTensor', () => {
  it('round-trips every writable dtype; header padded to 8 bytes; tensors aligned', async () => {
    const rng = new Rng(7);
    const f = Float32Array.from(rng.normals(24, 3));
    const halfExact = Float32Array.from({ length: 6 }, (_, i) => f16ToF32(f32ToF16(f[i])));
    const bf16Exact = Float32Array.from({ length: 6 }, (_, i) => bf16ToF32(f32ToBf16(f[i])));
    const ints = Int32Array.from([0, 1, -1, 2147483647, -2147483648, 42]);
    const bytes = encodeSafetensors(
      {
        'a.f32': { dtype: 'F32', shape: [4, 6], data: f },
        'b.f16': { dtype: 'F16', shape: [2, 3], data: halfExact },
        'c.bf16': { dtype: 'BF16', shape: [6], data: bf16Exact },
        'd.i32': { dtype: 'I32', shape: [6], data: ints },
        'e.i64': { dtype: 'I64', shape: [3, 2], data: [0n, 5n, -7n, 2147483647n, -2147483648n, 9n] },
        'z.empty': { dtype: 'F32', shape: [0, 3], data: [] },
      },
      { format: 'pt' },
    );
    const file = bytesFile('rt.safetensors', bytes);
    const h = await readSafetensorsHeader(file);
    expect(h.dataStart % 8).toBe(0);
    expect(h.metadata).toEqual({ format: 'pt' });
    for (const t of h.tensors.values()) expect(t.start % DTYPE_SIZE[t.dtype]).toBe(0);
    const get = (n: string) => h.tensors.get(n) as TensorInfo;
    expect(get('a.f32').shape).toEqual([4, 6]);
    expect(await readTensorF32(file, get('a.f32'))).toEqual(f);
    expect(await readTensorF32(file, get('b.f16'))).toEqual(halfExact);
    expect(await readTensorF32(file, get('c.bf16'))).toEqual(bf16Exact);
    expect(await readTensorI32(file, get('d.i32'))).toEqual(ints);
    expect(Array.from(await readTensorI32(file, get('e.i64')))).toEqual([0, 5, -7, 2147483647, -2147483648, 9]);
    expect((await readTensorF32(file, get('z.empty'))).length).toBe(0);
    // Half reads of non-representable values are within half an ulp (relative 2^-11 / 2^-8).
    const lossy = bytesFile(
      'l',
      encodeSafetensors({ h: { dtype: 'F16', shape: [24], data: f }, b: { dtype: 'BF16', shape: [24], data: f } }),
    );
    const lh = await readSafetensorsHeader(lossy);
    const rh = await readTensorF32(lossy, lh.tensors.get('h')!);
    const rb = await readTensorF32(lossy, lh.tensors.get('b')!);
    for (let i = 0; i < 24; i++) {
      expect(Math.abs(rh[i] - f[i])).toBeLessThanOrEqual(Math.abs(f[i]) * 2 ** -11 + 2 ** -25);
      expect(Math.abs(rb[i] - f[i])).toBeLessThanOrEqual(Math.abs(f[i]) * 2 ** -8);
    }
  });

  it('refuses an I64 that does not fit int32 and data whose length mismatches the shape', async () => {
    const file = bytesFile('big.safetensors', encodeSafetensors({ ids: { dtype: 'I64', shape: [2], data: [1n, 2n ** 40n] } }));
    const h = await readSafetensorsHeader(file);
    await rejects(readTensorI32(file, h.tensors.get('ids')!), 'big.safetensors', "tensor 'ids'", 'int32');
    expect(() => encodeSafetensors({ w: { dtype: 'F32', shape: [2, 2], data: [1, 2, 3] } })).toThrow(/tensor 'w'.*3 values.*needs 4/);
  });
});

describe('readSafetensorsHeader rejects bad files, naming file and tensor', () => {
  const good = { w: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] } };

  it('accepts a valid hand-written header', async () => {
    const h = await readSafetensorsHeader(rawFile({ __metadata__: { a: 'b' }, ...good }, 16));
    expect(h.tensors.get('w')!.start).toBe(h.dataStart);
  });
  it('file shorter than 8 bytes', async () => {
    await rejects(readSafetensorsHeader(bytesFile('tiny.safetensors', new Uint8Array(5))), 'tiny.safetensors', 'shorter than');
  });
  it('header length past the end of the file (truncated)', async () => {
    await rejects(readSafetensorsHeader(rawFile(good, 16, 'trunc.safetensors', 10_000)), 'trunc.safetensors', 'runs past the end');
  });
  it('oversized header length', async () => {
    await rejects(readSafetensorsHeader(rawFile(good, 16, 'huge.safetensors', 200_000_000)), 'huge.safetensors', 'exceeds');
  });
  it('garbled JSON', async () => {
    await rejects(
      readSafetensorsHeader(rawFile('{"w": {"dtype": "F3', 16, 'garbled.safetensors')),
      'garbled.safetensors',
      'not valid UTF-8 JSON',
    );
    await rejects(readSafetensorsHeader(rawFile('[1,2]', 0)), 'not a JSON object');
  });
  it('truncated data section', async () => {
    await rejects(readSafetensorsHeader(rawFile(good, 12)), "tensor 'w'", 'run past');
  });
  it('unknown dtype, bad shape, bad offsets', async () => {
    await rejects(readSafetensorsHeader(rawFile({ w: { ...good.w, dtype: 'F12' } }, 16)), "tensor 'w'", 'unknown dtype "F12"');
    await rejects(readSafetensorsHeader(rawFile({ w: { ...good.w, shape: [2, -2] } }, 16)), "tensor 'w'", 'shape');
    await rejects(readSafetensorsHeader(rawFile({ w: { ...good.w, data_offsets: [8, 4] } }, 16)), "tensor 'w'", 'reversed');
    await rejects(readSafetensorsHeader(rawFile({ w: { ...good.w, data_offsets: [0] } }, 16)), "tensor 'w'", 'data_offsets');
    await rejects(
      readSafetensorsHeader(rawFile({ w: { ...good.w, data_offsets: [0, 12] } }, 16)),
      "tensor 'w'",
      'span 12 bytes',
      'needs 16',
    );
  });
  it('overlapping tensors, even with an empty tensor between them', async () => {
    const h = {
      a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] },
      e: { dtype: 'F32', shape: [0], data_offsets: [4, 4] },
      b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] },
    };
    await rejects(readSafetensorsHeader(rawFile(h, 16)), "tensor 'b'", "overlaps tensor 'a'");
  });
  it('non-string metadata', async () => {
    await rejects(readSafetensorsHeader(rawFile({ __metadata__: { n: 3 }, ...good }, 16)), '__metadata__.n');
  });
});

describe('openCheckpointTensors', () => {
  const shard = (names: string[]) =>
    encodeSafetensors(Object.fromEntries(names.map((n) => [n, { dtype: 'F32' as const, shape: [2], data: [1, 2] }])));

  it('reads a sharded checkpoint through its index', async () => {
    const files = new Map<string, Uint8Array | string>([
      ['model-00001-of-00002.safetensors', shard(['a', 'b'])],
      ['model-00002-of-00002.safetensors', shard(['c'])],
      [
        'model.safetensors.index.json',
        JSON.stringify({
          weight_map: {
            a: 'model-00001-of-00002.safetensors',
            b: 'model-00001-of-00002.safetensors',
            c: 'model-00002-of-00002.safetensors',
          },
        }),
      ],
    ]);
    const ck = await openCheckpointTensors(memoryFolder('ck', files));
    expect([...ck.tensors.keys()].sort()).toEqual(['a', 'b', 'c']);
    expect(ck.tensors.get('c')!.file.name).toBe('ck/model-00002-of-00002.safetensors');
  });
  it('names the missing shard, the tensor absent from its shard, and an empty folder', async () => {
    const missing = new Map<string, Uint8Array | string>([
      ['model.safetensors.index.json', JSON.stringify({ weight_map: { a: 's1.safetensors' } })],
    ]);
    await rejects(openCheckpointTensors(memoryFolder('ck', missing)), 'ck/s1.safetensors', 'missing');
    const absent = new Map<string, Uint8Array | string>([
      ['s1.safetensors', shard(['a'])],
      ['model.safetensors.index.json', JSON.stringify({ weight_map: { a: 's1.safetensors', zz: 's1.safetensors' } })],
    ]);
    await rejects(openCheckpointTensors(memoryFolder('ck', absent)), 'ck/s1.safetensors', "tensor 'zz'", 'not in the shard');
    await rejects(openCheckpointTensors(memoryFolder('empty', new Map())), 'empty', 'no model.safetensors');
  });
});
