/**
 * A 50 000-record JSON array read through 4 KiB chunks: every record right, and the reader pulls
 * chunks only as records are consumed — it never holds the file (nor reads it whole: read() is
 * refused beyond the 4 KiB format sniff).
 */
import { describe, expect, it } from 'vitest';
import type { FileSource } from '../types';
import { loadDataset, readDataset } from './dataset';

const N = 50_000;
const CHUNK = 4096;

function bigArray(): { bytes: Uint8Array; ends: number[] } {
  const enc = new TextEncoder();
  const parts: string[] = ['[\n'];
  const ends: number[] = [];
  let bytes = 2;
  for (let i = 0; i < N; i++) {
    // non-ASCII text so multi-byte characters straddle chunk boundaries
    const rec = { prompt: `Où est ${i}?`, rephrase_prompt: `r ${i}`, ans: `Zürich ${i % 97}`, loc: `l ${i}`, loc_ans: `la ${i}` };
    const line = JSON.stringify(rec) + (i < N - 1 ? ',\n' : '\n');
    parts.push(line);
    bytes += enc.encode(line).length;
    ends.push(bytes);
  }
  parts.push(']');
  return { bytes: enc.encode(parts.join('')), ends };
}

function meteredFile(bytes: Uint8Array) {
  const meter = { pulled: 0 };
  const file: FileSource = {
    name: 'ultraeditbench.json',
    size: async () => bytes.length,
    read: async (start, end) => {
      if (end - start > CHUNK) throw new Error(`the reader asked for ${end - start} bytes at once`);
      return bytes.slice(start, end);
    },
    async *stream() {
      for (let i = 0; i < bytes.length; i += CHUNK) {
        meter.pulled = Math.min(bytes.length, i + CHUNK);
        yield bytes.slice(i, i + CHUNK); // fresh buffers, as a real file reader hands out
      }
    },
  };
  return { file, meter };
}

describe('streaming a large JSON array', () => {
  const { bytes, ends } = bigArray();

  it('reads all 50 000 records correctly, pulling chunks only as records are consumed', async () => {
    const { file, meter } = meteredFile(bytes);
    let i = 0;
    let maxAhead = 0;
    for await (const item of readDataset(file)) {
      expect(item.issue).toBeUndefined();
      const r = item.record!;
      if (r.index !== i || r.prompt !== `Où est ${i}?` || r.answer !== `Zürich ${i % 97}` || r.locAnswer !== `la ${i}`) {
        throw new Error(`record ${i} read wrong: ${JSON.stringify(r)}`);
      }
      // Bytes pulled beyond the end of this record: bounded by one chunk (the one it ended in).
      maxAhead = Math.max(maxAhead, meter.pulled - ends[i]);
      i++;
    }
    expect(i).toBe(N);
    expect(maxAhead).toBeLessThanOrEqual(CHUNK);
  });

  it('limit stops reading early', async () => {
    const { file, meter } = meteredFile(bytes);
    const { records } = await loadDataset(file, { limit: 100 });
    expect(records.length).toBe(100);
    expect(meter.pulled).toBeLessThanOrEqual(ends[99] + CHUNK);
  });

  it('line numbers follow the records', async () => {
    const { file } = meteredFile(bytes.slice(0, ends[9] - 3)); // cut inside record 9
    const items = [];
    for await (const item of readDataset(file)) items.push(item);
    expect(items.length).toBe(10);
    expect(items[9].issue).toMatchObject({ index: 9, line: 11, outcome: 'stopped' });
  });
});
