import { describe, expect, it } from 'vitest';
import { indexJsonl } from './indexed-jsonl';
import { loadDataset } from './dataset';
import type { FileSource } from '../types';

function memoryFile(name: string, text: string): FileSource & { bytes: Uint8Array } {
  const file = {
    name,
    bytes: new TextEncoder().encode(text),
    size: async () => file.bytes.length,
    read: async (a: number, b: number) => file.bytes.slice(a, b),
    async *stream() {
      // small chunks, so lines and the BOM straddle them
      for (let i = 0; i < file.bytes.length; i += 7) yield file.bytes.subarray(i, i + 7);
    },
  };
  return file;
}

const rec = (i: number) =>
  JSON.stringify({ src: `Where does person ${i} live?`, ans: `City${i}`, loc: `who wrote book ${i}`, loc_ans: 'A' });

describe('indexJsonl', () => {
  it('reads by position exactly the records loadDataset loads: BOM, CRLF, blank and whitespace-only lines, a skipped bad line', async () => {
    const text = '\ufeff' + [rec(0), '', rec(1) + '\r', '   ', '\u00a0', '{"src": 42, "ans": "x"}', rec(2), '{broken', rec(3)].join('\n');
    const file = memoryFile('edits.jsonl', text);
    const { records } = await loadDataset(file, { onInvalid: 'skip' });
    const ix = await indexJsonl(file, { onInvalid: 'skip' });
    expect(ix.valid).toEqual(records.map((r) => r.index));
    const all = ix.source(ix.valid);
    expect(await all.range(0, all.length)).toEqual(records);
    expect(await all.range(1, 3)).toEqual(records.slice(1, 3));
    expect(await all.at([3, 0])).toEqual([records[3], records[0]]);
    const reversed = ix.source([...ix.valid].reverse());
    expect(await reversed.range(0, 2)).toEqual([records[3], records[2]]);
  });

  it('stops on a bad record as loadDataset does, and names a file changed under it', async () => {
    await expect(indexJsonl(memoryFile('bad.jsonl', rec(0) + '\n{"src": 42, "ans": "x"}\n'), { onInvalid: 'stop' })).rejects.toThrow(
      /bad\.jsonl: record 1 \(line 2\), field src: expected a string/,
    );
    const file = memoryFile('edits.jsonl', [rec(0), rec(1)].join('\n') + '\n');
    const ix = await indexJsonl(file, {});
    file.bytes = new TextEncoder().encode([rec(0), '{"src": 7, "ans": "x"}'].join('\n') + '\n');
    await expect(ix.source(ix.valid).range(1, 2)).rejects.toThrow(/edits\.jsonl: record 1: the file changed since the run read it/);
  });
});
