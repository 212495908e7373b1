import { describe, expect, it } from 'vitest';
import { indexRecords } from './indexed-records';
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

describe('indexRecords', () => {
  it('reads by position exactly the records loadDataset loads: BOM, CRLF, blank and whitespace-only lines, a skipped bad line', async () => {
    const text = '\ufeff' + [rec(0), '', rec(1) + '\r', '   ', '\u00a0', '{"src": 42, "ans": "x"}', rec(2), '{broken', rec(3)].join('\n');
    const file = memoryFile('edits.jsonl', text);
    const { records } = await loadDataset(file, { onInvalid: 'skip' });
    const ix = await indexRecords(file, { onInvalid: 'skip' });
    expect(ix.valid).toEqual(records.map((r) => r.index));
    const all = ix.source(ix.valid);
    expect(await all.range(0, all.length)).toEqual(records);
    expect(await all.range(1, 3)).toEqual(records.slice(1, 3));
    expect(await all.at([3, 0])).toEqual([records[3], records[0]]);
    const reversed = ix.source([...ix.valid].reverse());
    expect(await reversed.range(0, 2)).toEqual([records[3], records[2]]);
  });

  it('stops on a bad record as loadDataset does, and names a file changed under it', async () => {
    await expect(indexRecords(memoryFile('bad.jsonl', rec(0) + '\n{"src": 42, "ans": "x"}\n'), { onInvalid: 'stop' })).rejects.toThrow(
      /bad\.jsonl: record 1 \(line 2\), field src: expected a string/,
    );
    const file = memoryFile('edits.jsonl', [rec(0), rec(1)].join('\n') + '\n');
    const ix = await indexRecords(file, {});
    file.bytes = new TextEncoder().encode([rec(0), '{"src": 7, "ans": "x"}'].join('\n') + '\n');
    await expect(ix.source(ix.valid).range(1, 2)).rejects.toThrow(/edits\.jsonl: record 1: the file changed since the run read it/);
  });

  it('reads a JSON array by position exactly as loadDataset loads it: BOM, nested values, brackets and commas inside strings, multi-byte text, a skipped element', async () => {
    const tricky = JSON.stringify({
      src: 'Where is "the [city], {of} é€😀" \\ really?',
      ans: 'Zürich, [not] {Bern}',
      loc: 'who wrote book ,]',
      loc_ans: 'A',
      extra: { nested: [[1, { a: ']' }], []] },
    });
    const elements = [rec(0), tricky, '{"src": 42, "ans": "x"}', '  ' + rec(2) + '\n', rec(3)];
    const text = '\ufeff [\n' + elements.join(' ,\r\n') + '\n] \n';
    const file = memoryFile('edits.json', text);
    const { records, report } = await loadDataset(file, { onInvalid: 'skip' });
    expect(report.detection?.container).toBe('json');
    expect(records.map((r) => r.index)).toEqual([0, 1, 3, 4]);
    const ix = await indexRecords(file, { onInvalid: 'skip' });
    expect(ix.valid).toEqual([0, 1, 3, 4]);
    const all = ix.source(ix.valid);
    expect(await all.range(0, all.length)).toEqual(records);
    expect(await all.at([1, 3])).toEqual([records[1], records[3]]);
    expect((await all.at([1]))[0].prompt).toContain('é€😀');
  });

  it('a JSON array: stops as loadDataset does, ignores what follows its "]" as the reader does, names a file changed under it', async () => {
    await expect(indexRecords(memoryFile('bad.json', `[${rec(0)}, {"src": 42, "ans": "x"}]`), { onInvalid: 'stop' })).rejects.toThrow(
      /bad\.json: record 1 \(line 1\), field src: expected a string/,
    );
    const trailing = await indexRecords(memoryFile('t.json', `[${rec(0)},${rec(1)}] trailing words`));
    expect((await trailing.source(trailing.valid).range(0, 2)).map((r) => r.index)).toEqual([0, 1]);
    const file = memoryFile('edits.json', `[${rec(0)},${rec(1)}]`);
    const ix = await indexRecords(file, {});
    file.bytes = new TextEncoder().encode(`[${rec(0)},{"src": 7, "ans": "x"}]`);
    await expect(ix.source(ix.valid).range(1, 2)).rejects.toThrow(/edits\.json: record 1: the file changed since the run read it/);
  });
});
