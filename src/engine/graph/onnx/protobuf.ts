/**
 * Minimal protobuf writer: varints (int64 through BigInt for negatives), fixed32 floats,
 * length-delimited bytes / strings / sub-messages. Enough for ONNX's ModelProto.
 */

const utf8 = new TextEncoder();

export class ProtoWriter {
  private chunks: number[] = [];
  private blobs: { at: number; bytes: Uint8Array }[] = [];

  private varint(v: number | bigint): void {
    // protobuf encodes negative int32/int64 as 10-byte two's complement
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.chunks.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.chunks.push(Number(x));
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, v: number): this {
    if (!Number.isInteger(v)) throw new Error(`protobuf field ${field}: ${v} is not an integer`);
    this.tag(field, 0);
    this.varint(v);
    return this;
  }

  float(field: number, v: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.chunks.push(...b);
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2);
    this.varint(b.length);
    // big payloads (raw tensors) are spliced in at the end rather than copied into a number[]
    if (b.length > 256) this.blobs.push({ at: this.chunks.length, bytes: b });
    else for (const x of b) this.chunks.push(x);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, utf8.encode(s));
  }

  message(field: number, m: ProtoWriter): this {
    return this.bytes(field, m.finish());
  }

  finish(): Uint8Array {
    const total = this.chunks.length + this.blobs.reduce((s, b) => s + b.bytes.length, 0);
    const out = new Uint8Array(total);
    let src = 0;
    let dst = 0;
    for (const blob of this.blobs) {
      out.set(this.chunks.slice(src, blob.at), dst);
      dst += blob.at - src;
      src = blob.at;
      out.set(blob.bytes, dst);
      dst += blob.bytes.length;
    }
    out.set(this.chunks.slice(src), dst);
    return out;
  }
}
