/**
 * Reading one tensor's bytes into fp32 (weights) or int32 (ids). Half-precision checkpoints are
 * widened here; nothing else in the lab sees F16/BF16.
 */
import { InputError, type FileSource } from '../types';
import { bf16ToF32, f16ToF32 } from './dtypes';
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
