import { describe, expect, it } from 'vitest';
import { ProtoWriter } from './protobuf';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

// expected bytes from the protobuf encoding spec (developers.google.com/protocol-buffers/docs/encoding)
describe('ProtoWriter', () => {
  it('varints: 150 → 08 96 01; 300 → ac 02; −1 as int64 → ten bytes', () => {
    expect(hex(new ProtoWriter().int(1, 150).finish())).toBe('08 96 01');
    expect(hex(new ProtoWriter().int(2, 300).finish())).toBe('10 ac 02');
    expect(hex(new ProtoWriter().int(1, -1).finish())).toBe('08 ff ff ff ff ff ff ff ff ff 01');
  });
  it('strings and nested messages are length-delimited; large blobs are spliced in order', () => {
    expect(hex(new ProtoWriter().string(2, 'testing').finish())).toBe('12 07 74 65 73 74 69 6e 67');
    expect(hex(new ProtoWriter().message(3, new ProtoWriter().int(1, 150)).finish())).toBe('1a 03 08 96 01');
    const big = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const out = new ProtoWriter().int(1, 1).bytes(9, big).int(2, 2).finish();
    expect(hex(out.subarray(0, 5))).toBe('08 01 4a ac 02');
    expect(Array.from(out.subarray(5, 305))).toEqual(Array.from(big));
    expect(hex(out.subarray(305))).toBe('10 02');
  });
  it('float is fixed32 little-endian', () => {
    expect(hex(new ProtoWriter().float(2, 1).finish())).toBe('15 00 00 80 3f');
  });
});
