/**
 * Writing safetensors: the CLI's outputs (captures, deltas, edited checkpoints) and the tiny test
 * checkpoints. Tensors are laid out widest dtype first so each one is naturally aligned once the
 * header is padded to 8 bytes (as the reference writer does).
 */
import { InputError } from '../types';
import { DTYPE_SIZE, f32ToBf16, f32ToF16 } from './dtypes';
import { numel } from './read';

export type WritableDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I32' | 'I64';

export interface TensorToWrite {
  dtype: WritableDtype;
  shape: number[];
  /** Values as numbers (floats are rounded to the dtype); I64 also takes bigints. */
  data: ArrayLike<number> | ArrayLike<bigint>;
}

export interface SafetensorsLayout {
  /** Tensor names in file order (widest dtype first, then by name). */
  names: string[];
  /** Byte offset of each tensor's data in the file. */
  start: Map<string, number>;
  /** The whole file, with its header written and the data left zero. */
  out: Uint8Array;
}

/** The header and byte layout of a safetensors file of these tensors; the caller writes the data. */
export function safetensorsLayout(
  tensors: Record<string, { dtype: WritableDtype; shape: number[] }>,
  metadata?: Record<string, string>,
): SafetensorsLayout {
  const names = Object.keys(tensors).sort(
    (a, b) => DTYPE_SIZE[tensors[b].dtype] - DTYPE_SIZE[tensors[a].dtype] || (a < b ? -1 : a > b ? 1 : 0),
  );
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  const rel = new Map<string, number>();
  for (const name of names) {
    const t = tensors[name];
    const bytes = numel(t.shape) * DTYPE_SIZE[t.dtype];
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    rel.set(name, offset);
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, padded, true);
  dv.setUint32(4, 0, true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  const start = new Map([...rel].map(([n, o]) => [n, 8 + padded + o]));
  return { names, start, out };
}

export function encodeSafetensors(tensors: Record<string, TensorToWrite>, metadata?: Record<string, string>): Uint8Array {
  for (const [name, t] of Object.entries(tensors)) {
    const n = numel(t.shape);
    if (t.data.length !== n)
      throw new InputError(`tensor '${name}'`, `has ${t.data.length} values but shape [${t.shape.join(', ')}] needs ${n}`);
  }
  const { names, start, out } = safetensorsLayout(tensors, metadata);
  const dv = new DataView(out.buffer);
  for (const name of names) {
    const { dtype, data } = tensors[name];
    const n = data.length;
    let pos = start.get(name)!;
    switch (dtype) {
      case 'F64':
        for (let i = 0; i < n; i++, pos += 8) dv.setFloat64(pos, Number(data[i]), true);
        break;
      case 'F32':
        for (let i = 0; i < n; i++, pos += 4) dv.setFloat32(pos, Number(data[i]), true);
        break;
      case 'F16':
        for (let i = 0; i < n; i++, pos += 2) dv.setUint16(pos, f32ToF16(Number(data[i])), true);
        break;
      case 'BF16':
        for (let i = 0; i < n; i++, pos += 2) dv.setUint16(pos, f32ToBf16(Number(data[i])), true);
        break;
      case 'I32':
        for (let i = 0; i < n; i++, pos += 4) dv.setInt32(pos, checkedInt(data[i], name, i, 2 ** 31), true);
        break;
      case 'I64':
        for (let i = 0; i < n; i++, pos += 8) {
          const v = data[i];
          dv.setBigInt64(pos, typeof v === 'bigint' ? v : BigInt(checkedInt(v, name, i, 2 ** 53)), true);
        }
        break;
    }
  }
  return out;
}

function checkedInt(v: number | bigint, name: string, i: number, limit: number): number {
  const x = Number(v);
  if (!Number.isInteger(x) || x < -limit || x >= limit)
    throw new InputError(`tensor '${name}'`, `element ${i} = ${v} is not a representable integer`);
  return x;
}
