/**
 * Safetensors dtypes and the half-precision conversions. Checkpoints on the Hub are mostly BF16/F16;
 * the lab holds them as fp32, so these conversions sit on the loading path of every model.
 */
export type Dtype =
  'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U64' | 'U32' | 'U16' | 'U8' | 'BOOL' | 'F8_E4M3' | 'F8_E5M2';

/** Bytes per element of every dtype the format defines (headers with any of them parse). */
export const DTYPE_SIZE: Readonly<Record<Dtype, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
};

export function isDtype(s: unknown): s is Dtype {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_SIZE, s);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** bf16 is the top half of an fp32: widening is exact. */
export function bf16ToF32(bits: number): number {
  u32[0] = bits << 16;
  return f32[0];
}

/** Round to nearest even, as torch does; NaN stays a (quiet) NaN. */
export function f32ToBf16(x: number): number {
  f32[0] = x;
  const b = u32[0];
  if ((b & 0x7fffffff) > 0x7f800000) return ((b >>> 16) | 0x40) & 0xffff;
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}

/** IEEE binary16 → number, subnormals included. */
export function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const man = h & 0x3ff;
  if (exp === 0) return sign * man * 2 ** -24;
  if (exp === 31) return man ? NaN : sign * Infinity;
  return sign * (1 + man / 1024) * 2 ** (exp - 15);
}

/** number → IEEE binary16 bits, round to nearest even, overflow to ±Inf. */
export function f32ToF16(x: number): number {
  f32[0] = x; // round to fp32 first, as a float32 tensor would be
  const v = f32[0];
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (Number.isNaN(v)) return 0x7e00;
  if (a === Infinity) return sign | 0x7c00;
  if (a >= 65520) return sign | 0x7c00; // ≥ max half + ½ulp rounds to Inf
  if (a < 2 ** -14) {
    // subnormal: units of 2^-24, ties to even
    return sign | roundHalfEven(a * 2 ** 24);
  }
  const e = Math.floor(Math.log2(a));
  const exp = a >= 2 ** (e + 1) ? e + 1 : a < 2 ** e ? e - 1 : e; // guard log2 rounding
  let man = roundHalfEven((a / 2 ** exp - 1) * 1024);
  let be = exp + 15;
  if (man === 1024) {
    man = 0;
    be += 1;
  }
  if (be >= 31) return sign | 0x7c00;
  return sign | (be << 10) | man;
}

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
