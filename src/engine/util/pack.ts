/**
 * Plain data with typed arrays inside ⇄ bytes, bit-exact. Run checkpoints and exported runs use it:
 * JSON cannot hold a Float64Array without loss, and safetensors holds only flat named tensors.
 * Layout: "SELP" magic, u32 JSON length, JSON (arrays replaced by {"$ta": kind, "o": offset, "n": length}),
 * zero padding to 8 bytes, then the arrays' bytes, each 8-byte aligned.
 */
const MAGIC = 0x504c4553; // "SELP" little-endian
const KINDS = { f64: Float64Array, f32: Float32Array, i32: Int32Array, u8: Uint8Array } as const;
type Kind = keyof typeof KINDS;
type Typed = Float64Array | Float32Array | Int32Array | Uint8Array;

function kindOf(x: unknown): Kind | null {
  if (x instanceof Float64Array) return 'f64';
  if (x instanceof Float32Array) return 'f32';
  if (x instanceof Int32Array) return 'i32';
  if (x instanceof Uint8Array) return 'u8';
  return null;
}

const align8 = (n: number) => (n + 7) & ~7;

export function pack(value: unknown): Uint8Array {
  const arrays: Typed[] = [];
  let offset = 0;
  const json = JSON.stringify(value, function (this: unknown, _key, v) {
    const kind = kindOf(v);
    if (!kind) {
      if (v instanceof Map) return { $map: [...v.entries()] };
      if (typeof v === 'number' && !Number.isFinite(v)) return { $num: String(v) };
      return v;
    }
    const t = v as Typed;
    const ref = { $ta: kind, o: offset, n: t.length };
    arrays.push(t);
    offset = align8(offset + t.byteLength);
    return ref;
  });
  const text = new TextEncoder().encode(json);
  const dataStart = align8(8 + text.length);
  const out = new Uint8Array(dataStart + offset);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, text.length, true);
  out.set(text, 8);
  let o = dataStart;
  for (const t of arrays) {
    out.set(new Uint8Array(t.buffer, t.byteOffset, t.byteLength), o);
    o = align8(o + t.byteLength);
  }
  return out;
}

export function unpack<T = unknown>(bytes: Uint8Array, where = 'packed data'): T {
  if (bytes.length < 8) throw new Error(`${where}: truncated (${bytes.length} bytes)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, true) !== MAGIC) throw new Error(`${where}: not a StableEdit Lab file (bad magic)`);
  const len = dv.getUint32(4, true);
  if (8 + len > bytes.length) throw new Error(`${where}: header runs past the end of the file`);
  const dataStart = align8(8 + len);
  const json = new TextDecoder().decode(bytes.subarray(8, 8 + len));
  return JSON.parse(json, (_key, v) => {
    if (v && typeof v === 'object') {
      if ('$ta' in v) {
        const Ctor = KINDS[v.$ta as Kind];
        if (!Ctor) throw new Error(`${where}: unknown array kind ${v.$ta}`);
        const start = dataStart + v.o;
        const end = start + v.n * Ctor.BYTES_PER_ELEMENT;
        if (end > bytes.length) throw new Error(`${where}: array runs past the end of the file`);
        // Copy out: the result must not alias (or keep alive) the whole file buffer.
        return new Ctor(bytes.slice(start, end).buffer);
      }
      if ('$map' in v) return new Map(v.$map);
      if ('$num' in v) return Number(v.$num);
    }
    return v;
  }) as T;
}
