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

/** fp16 bits (of x·2^shift) → x in fp32, exact: a frozen tensor held in 16 bits, read for an export or an upload. */
export function widen16(bits: Uint16Array, shift = 0): Float32Array {
  const out = new Float32Array(bits.length);
  const scale = 2 ** -shift;
  for (let i = 0; i < bits.length; i++) out[i] = f16ToF32(bits[i]) * scale;
  return out;
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

/**
 * bf16 bits of x → the fp16 bits of x·2^shift, or −1 when fp16 cannot hold it exactly. bf16 has 8
 * significant bits and fp16 11, so every bf16 value whose scaled binade lies in fp16's normal range
 * (2^-14 … 2^15) is exact, and below it those whose low bits fit fp16's subnormals (down to 2^-24);
 * bf16 subnormals and non-finite values never are. `shift` is a per-tensor power of two chosen so the
 * largest value lands in fp16's top binade (bf16ShiftFor): real weights span fewer than fp16's ~32
 * binades of exact 8-bit values, whereas unscaled their tails below 2^-17 would not fit
 * (docs/design.md §4).
 */
export function bf16ToF16Exact(bits: number, shift = 0): number {
  const sign = (bits & 0x8000) >>> 0;
  const e = (bits >>> 7) & 0xff;
  const m = bits & 0x7f;
  if (e === 0) return m === 0 ? sign : -1;
  if (e === 0xff) return -1;
  const E = e - 127 + shift;
  if (E > 15) return -1;
  if (E >= -14) return sign | ((E + 15) << 10) | (m << 3);
  // fp16 subnormal: the value is (128 + m)·2^(E−7), in units of 2^-24.
  const low = E + 17;
  const whole = 128 + m;
  if (low >= 0) return sign | (whole << low);
  if (low < -7 || whole & ((1 << -low) - 1)) return -1;
  return sign | (whole >>> -low);
}

/** The shift that puts a bf16 tensor's largest binade at fp16's top (2^15), from its largest exponent field. */
export function bf16ShiftFor(maxExponentField: number): number {
  return maxExponentField === 0 ? 0 : 15 - (maxExponentField - 127);
}
