/**
 * Safetensors header parsing. The header is untrusted input (a dropped file, a Hub download): every
 * length and offset is checked against the file before anything is allocated or read.
 *
 * Layout: u64 LE header length N | N bytes of JSON | data section. JSON maps tensor names to
 * {dtype, shape, data_offsets: [begin, end]} (relative to the data section), plus an optional
 * `__metadata__` of string → string.
 */
import { InputError, type FileSource } from '../types';
import { DTYPE_SIZE, isDtype, type Dtype } from './dtypes';

/** Headers above this are refused (the reference implementation's limit). */
export const MAX_HEADER_BYTES = 100_000_000;

export interface TensorInfo {
  name: string;
  dtype: Dtype;
  shape: number[];
  /** Absolute byte range [start, end) in the file. */
  start: number;
  end: number;
}

export interface SafetensorsHeader {
  tensors: Map<string, TensorInfo>;
  metadata: Record<string, string>;
  /** Byte offset of the data section (8 + header length). */
  dataStart: number;
  fileSize: number;
}

export async function readSafetensorsHeader(file: FileSource): Promise<SafetensorsHeader> {
  const where = file.name;
  const fileSize = await file.size();
  if (fileSize < 8) throw new InputError(where, `safetensors file is ${fileSize} bytes, shorter than the 8-byte header length`);
  const lenBytes = await file.read(0, 8);
  const dv = new DataView(lenBytes.buffer, lenBytes.byteOffset, 8);
  const lo = dv.getUint32(0, true);
  const hi = dv.getUint32(4, true);
  const n = hi * 2 ** 32 + lo;
  if (n > MAX_HEADER_BYTES)
    throw new InputError(
      where,
      `safetensors header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit (not a safetensors file, or corrupt)`,
    );
  if (n > fileSize - 8)
    throw new InputError(where, `safetensors header length ${n} runs past the end of the ${fileSize}-byte file (truncated?)`);
  const headerBytes = await file.read(8, 8 + n);
  return parseSafetensorsHeader(headerBytes, fileSize, where);
}

/** Parses and validates the JSON header bytes of a file of `fileSize` bytes. */
export function parseSafetensorsHeader(headerBytes: Uint8Array, fileSize: number, where: string): SafetensorsHeader {
  const dataStart = 8 + headerBytes.length;
  const dataSize = fileSize - dataStart;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (e) {
    throw new InputError(where, `safetensors header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new InputError(where, 'safetensors header is not a JSON object');

  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = parseMetadata(raw, where);
      continue;
    }
    const at = `${where}: tensor '${name}'`;
    if (raw === null || typeof raw !== 'object') throw new InputError(at, 'header entry is not an object');
    const { dtype, shape, data_offsets } = raw as Record<string, unknown>;
    if (!isDtype(dtype)) throw new InputError(at, `unknown dtype ${JSON.stringify(dtype)}`);
    if (!Array.isArray(shape) || !shape.every(isCount))
      throw new InputError(at, `shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
    if (!Array.isArray(data_offsets) || data_offsets.length !== 2 || !data_offsets.every(isCount)) {
      throw new InputError(at, `data_offsets ${JSON.stringify(data_offsets)} is not [begin, end]`);
    }
    const [begin, end] = data_offsets as number[];
    if (begin > end) throw new InputError(at, `data_offsets [${begin}, ${end}] are reversed`);
    if (end > dataSize)
      throw new InputError(at, `data_offsets [${begin}, ${end}] run past the ${dataSize}-byte data section (truncated file?)`);
    const numel = (shape as number[]).reduce((a, b) => a * b, 1);
    const want = numel * DTYPE_SIZE[dtype];
    if (end - begin !== want) {
      throw new InputError(at, `data_offsets span ${end - begin} bytes but ${dtype}[${(shape as number[]).join(', ')}] needs ${want}`);
    }
    tensors.set(name, { name, dtype, shape: (shape as number[]).slice(), start: dataStart + begin, end: dataStart + end });
  }

  // Overlapping tensors would alias each other's bytes: a corrupt or hostile file.
  const sorted = [...tensors.values()].filter((t) => t.end > t.start).sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].start < sorted[i - 1].end) {
      throw new InputError(`${where}: tensor '${sorted[i].name}'`, `data overlaps tensor '${sorted[i - 1].name}'`);
    }
  }
  return { tensors, metadata, dataStart, fileSize };
}

function parseMetadata(raw: unknown, where: string): Record<string, string> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError(where, '__metadata__ is not an object');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v !== 'string') throw new InputError(where, `__metadata__.${k} is not a string`);
    out[k] = v;
  }
  return out;
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}
