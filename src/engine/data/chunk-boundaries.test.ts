/**
 * Every reader must give the same records however the bytes arrive: split at every byte offset
 * (through the middle of 2-, 3- and 4-byte UTF-8 characters and of the BOM), in chunks of every
 * small size, and in chunks that arrive late (each after a timer tick). The files carry no telling
 * extension, so the container is sniffed from the stream's head — and read() is refused, so no
 * reader may fetch a range beside the stream (in a browser that is a second request whose bytes a
 * cache can mix up with the stream's).
 */
import { describe, expect, it } from 'vitest';
import type { EditRecord, FileSource } from '../types';
import { loadDataset, type ContainerKind } from './dataset';

const PEOPLE = [
  { prompt: 'Où est né Zoë Ærø?', answer: 'Ålesund', loc: '東京はどこの国ですか', locAns: '日本' },
  { prompt: 'Which emoji means rocket 🚀?', answer: '🚀 rocket', loc: 'Ποια είναι η πρωτεύουσα;', locAns: 'Αθήνα' },
  { prompt: 'Столица Франции?', answer: 'Париж', loc: 'naïve café "quoted", comma', locAns: 'ok' },
];

function files(): Record<ContainerKind, string> {
  const zsre = PEOPLE.map((p) => ({ src: p.prompt, rephrase: p.prompt + ' (again)', ans: p.answer, loc: p.loc, loc_ans: p.locAns }));
  const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return {
    json: '\uFEFF[\n' + zsre.map((r) => JSON.stringify(r)).join(',\n') + '\n]\n',
    jsonl: '\uFEFF' + zsre.map((r) => JSON.stringify(r)).join('\n') + '\n',
    csv:
      '\uFEFFsrc,rephrase,ans,loc,loc_ans\n' +
      zsre.map((r) => [r.src, r.rephrase, r.ans, r.loc, r.loc_ans].map(csvCell).join(',')).join('\n') +
      '\n',
  };
}

/** A stream of the given chunks; `late` puts a timer tick before each chunk. */
function chunked(name: string, bytes: Uint8Array, cuts: number[], late = false): FileSource {
  return {
    name,
    size: async () => bytes.length,
    read: async () => {
      throw new Error('read() was called: readers must take what they need from the one stream');
    },
    async *stream() {
      let start = 0;
      for (const end of [...cuts, bytes.length]) {
        if (late) await new Promise((r) => setTimeout(r, 0));
        yield bytes.slice(start, end); // fresh buffers, as a network or file reader hands out
        start = end;
      }
    },
  };
}

const shape = (r: EditRecord) => [r.prompt, r.rephrase, r.answer, r.locPrompt, r.locAnswer];

describe.each(['json', 'jsonl', 'csv'] as const)('%s reader across chunk boundaries', (kind) => {
  const text = files()[kind];
  const bytes = new TextEncoder().encode(text);
  // json and jsonl are sniffed from the head ("[" / "{"); csv by being neither
  const name = `edits-${kind}`;

  // ZsRE loc prompts are scored with "?" appended, as UltraEdit does.
  it('reads the expected records in one chunk', async () => {
    const { records } = await loadDataset(chunked(name, bytes, []), { onInvalid: 'stop' });
    expect(records.map(shape)).toEqual(PEOPLE.map((p) => [p.prompt, p.prompt + ' (again)', p.answer, p.loc + '?', p.locAns]));
  });

  it('gives the same records split at every byte offset', async () => {
    const whole = (await loadDataset(chunked(name, bytes, []), { onInvalid: 'stop' })).records.map(shape);
    for (let k = 1; k < bytes.length; k++) {
      const { records } = await loadDataset(chunked(name, bytes, [k]), { onInvalid: 'stop' });
      if (JSON.stringify(records.map(shape)) !== JSON.stringify(whole)) throw new Error(`split at byte ${k} read differently`);
    }
  });

  it('gives the same records in chunks of 1 to 7 bytes arriving late', async () => {
    const whole = (await loadDataset(chunked(name, bytes, []), { onInvalid: 'stop' })).records.map(shape);
    for (let size = 1; size <= 7; size++) {
      const cuts: number[] = [];
      for (let c = size; c < bytes.length; c += size) cuts.push(c);
      const { records } = await loadDataset(chunked(name, bytes, cuts, true), { onInvalid: 'stop' });
      expect(records.map(shape), `chunks of ${size} bytes`).toEqual(whole);
    }
  });

  it('gives the same records in uneven chunks straddling the 4 KiB sniff window', async () => {
    // Pad the file past 4 KiB with valid records so the sniffed head ends mid-record.
    const pad = Array.from({ length: 120 }, (_, i) => ({
      src: `Où ${i} — ünïcödé ✓?`,
      rephrase: `r${i}`,
      ans: `Zürich ${i}`,
      loc: 'l',
      loc_ans: 'la',
    }));
    const big =
      kind === 'json'
        ? '[' + pad.map((r) => JSON.stringify(r)).join(',') + ',' + text.replace('\uFEFF[', '').trimStart()
        : kind === 'jsonl'
          ? pad.map((r) => JSON.stringify(r)).join('\n') + '\n' + text.replace('\uFEFF', '')
          : text.split('\n')[0].replace('\uFEFF', '') +
            '\n' +
            pad.map((r) => `${r.src},${r.rephrase},${r.ans},${r.loc},${r.loc_ans}`).join('\n') +
            '\n' +
            text.split('\n').slice(1).join('\n');
    const b = new TextEncoder().encode(big);
    expect(b.length).toBeGreaterThan(4096);
    const whole = (await loadDataset(chunked(name, b, []), { onInvalid: 'stop' })).records;
    expect(whole.length).toBe(123);
    for (const cuts of [[4095], [4096], [4097], [1000, 4095, 4100], [3, 4094, 4098, 5000]]) {
      const { records } = await loadDataset(chunked(name, b, cuts, true), { onInvalid: 'stop' });
      expect(records.map(shape), `cuts ${cuts.join(',')}`).toEqual(whole.map(shape));
    }
  });
});
