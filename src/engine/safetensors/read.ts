/**
 * Reading one tensor's bytes into fp32 (weights) or int32 (ids). Half-precision checkpoints are
 * widened here, or — a frozen tensor held in 16 bits (docs/design.md §4) — read straight into fp16
 * bits, with no fp32 copy on the way.
 */
import { InputError, type FileSource } from '../types';
import { bf16ShiftFor, bf16ToF16Exact, bf16ToF32, f16ToF32 } from './dtypes';
import type { TensorInfo } from './header';

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

async function readBytes(file: FileSource, info: TensorInfo): Promise<DataView> {
  const bytes = await file.read(info.start, info.end);
  if (bytes.length !== info.end - info.start) {
    throw new InputError(`${file.name}: tensor '${info.name}'`, `read ${bytes.length} of ${info.end - info.start} bytes (file truncated?)`);
  }
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** F32/F16/BF16/F64 → Float32Array (F64 is rounded). */
export async function readTensorF32(file: FileSource, info: TensorInfo): Promise<Float32Array> {
  const n = numel(info.shape);
  const out = new Float32Array(n);
  const dv = await readBytes(file, info);
  switch (info.dtype) {
    case 'F32':
      for (let i = 0; i < n; i++) out[i] = dv.getFloat32(4 * i, true);
      break;
    case 'F16':
      for (let i = 0; i < n; i++) out[i] = f16ToF32(dv.getUint16(2 * i, true));
      break;
    case 'BF16':
      for (let i = 0; i < n; i++) out[i] = bf16ToF32(dv.getUint16(2 * i, true));
      break;
    case 'F64':
      for (let i = 0; i < n; i++) out[i] = dv.getFloat64(8 * i, true);
      break;
    default:
      throw new InputError(`${file.name}: tensor '${info.name}'`, `dtype ${info.dtype} cannot be read as floating point`);
  }
  return out;
}

/** An F64 tensor exactly (a trained hypernetwork, editors/hypernet/network-file.ts). */
export async function readTensorF64(file: FileSource, info: TensorInfo): Promise<Float64Array> {
  if (info.dtype !== 'F64') throw new InputError(`${file.name}: tensor '${info.name}'`, `is ${info.dtype}, expected F64`);
  const n = numel(info.shape);
  const dv = await readBytes(file, info);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = dv.getFloat64(8 * i, true);
  return out;
}

/**
 * F16/BF16 → fp16 bits of exactly the same values scaled by 2^shift (BF16: bf16ShiftFor its largest
 * value; F16: 0), or why not (the first element fp16 cannot hold exactly at that shift); the caller
 * then reads the tensor as fp32.
 */
export async function readTensorF16(
  file: FileSource,
  info: TensorInfo,
): Promise<{ data: Uint16Array; shift: number; reason?: undefined } | { data?: undefined; reason: string }> {
  if (info.dtype !== 'F16' && info.dtype !== 'BF16') return { reason: `stored as ${info.dtype}, not 16-bit` };
  const n = numel(info.shape);
  const dv = await readBytes(file, info);
  const out = new Uint16Array(n);
  const bf16 = info.dtype === 'BF16';
  let top = 0;
  if (bf16) for (let i = 0; i < n; i++) top = Math.max(top, (dv.getUint16(2 * i, true) >>> 7) & 0xff);
  const shift = bf16 && top !== 0xff ? bf16ShiftFor(top) : 0;
  // 2^-shift must be a normal fp32 (some backends flush subnormals): a tensor whose values are all below 2^-111 stays fp32.
  if (shift > 126) return { reason: `its largest value is ${bf16ToF32(((top << 7) | 0x7f) & 0x7fff)}, too small to scale into fp16` };
  for (let i = 0; i < n; i++) {
    const bits = dv.getUint16(2 * i, true);
    const h = bf16 ? bf16ToF16Exact(bits, shift) : (bits & 0x7c00) === 0x7c00 ? -1 : bits;
    if (h < 0) {
      const v = bf16 ? bf16ToF32(bits) : f16ToF32(bits);
      const why = !Number.isFinite(v)
        ? 'is not finite'
        : `is not exact in fp16 next to the largest value (${bf16ToF32(((top << 7) | 0x7f) & 0x7fff)} at most): the tensor spans more binades than fp16 holds`;
      return { reason: `element ${i} = ${v} ${why}` };
    }
    out[i] = h;
  }
  return { data: out, shift };
}

/** I32/I64 → Int32Array; an I64 value outside int32 range is an error, not a wrap. */
export async function readTensorI32(file: FileSource, info: TensorInfo): Promise<Int32Array> {
  const n = numel(info.shape);
  const out = new Int32Array(n);
  const dv = await readBytes(file, info);
  if (info.dtype === 'I32') {
    for (let i = 0; i < n; i++) out[i] = dv.getInt32(4 * i, true);
  } else if (info.dtype === 'I64') {
    for (let i = 0; i < n; i++) {
      const v = dv.getBigInt64(8 * i, true);
      if (v < -2147483648n || v > 2147483647n) {
        throw new InputError(`${file.name}: tensor '${info.name}'`, `element ${i} = ${v} does not fit in int32`);
      }
      out[i] = Number(v);
    }
  } else {
    throw new InputError(`${file.name}: tensor '${info.name}'`, `dtype ${info.dtype} cannot be read as integers`);
  }
  return out;
}
