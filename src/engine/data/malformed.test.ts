/** Bad input of every container and layout gives a located report, never a crash. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../types';
import { loadDataset, readDataset, scanDataset, type DatasetOptions } from './dataset';
import { memoryFile } from '../io/memory';

const zsre = (src: unknown, ans: unknown = 'A') => ({ src, rephrase: 'r', ans, loc: 'l', loc_ans: 'la' });
const brief = (r: Awaited<ReturnType<typeof scanDataset>>) => r.issues.map((i) => [i.index, i.line, i.field, i.outcome]);

async function scan(name: string, text: string | Uint8Array, opts: DatasetOptions = {}, chunk = 5) {
  return scanDataset(memoryFile(name, text, chunk), opts);
}

describe('JSON arrays', () => {
  it('a wrong type, a list for a string, an empty answer, a huge string, a non-object: each skipped, the rest read', async () => {
    const rows = [zsre('ok 0'), zsre(42), zsre(['a', 'b']), zsre('q', '  '), zsre('x'.repeat(101)), 'just a string', zsre('ok 6')];
    const text = '[\n' + rows.map((r) => JSON.stringify(r)).join(',\n') + '\n]';
    const r = await scan('d.json', text, { maxChars: 100 });
    expect(r.count).toBe(2);
    expect(r.seen).toBe(7);
    expect(r.skipped).toBe(5);
    expect(r.stopped).toBeNull();
    expect(r.issues.map((i) => [i.index, i.line, i.field, i.problem])).toEqual([
      [1, 3, 'src', 'expected a string, got a number (42)'],
      [2, 4, 'src', 'expected a string, got a list'],
      [3, 5, 'ans', 'is empty'],
      [4, 6, 'src', 'is 101 characters long, over the cap of 100 (maxChars)'],
      [5, 7, '(record)', 'expected an object, got a string ("just a string")'],
    ]);
  });

  it("'stop' ends at the first bad record and loadDataset throws InputError naming it", async () => {
    const text = JSON.stringify([zsre('a'), zsre('b'), zsre(7), zsre('d')]);
    const r = await scan('d.json', text, { onInvalid: 'stop' });
    expect(r.count).toBe(2);
    expect(r.stopped).toMatchObject({ index: 2, field: 'src', outcome: 'stopped' });
    const err = await loadDataset(memoryFile('d.json', text), { onInvalid: 'stop' }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe('d.json: record 2 (line 1), field src: expected a string, got a number (7) (reading stopped)');
  });

  it('a truncated array: the records before it stand, the report says where it ends', async () => {
    const full = '[\n' + [zsre('a'), zsre('b'), zsre('c')].map((r) => JSON.stringify(r)).join(',\n') + '\n]';
    const cut = full.slice(0, full.indexOf('"c"') + 2);
    const r = await scan('d.json', cut);
    expect(r.count).toBe(2);
    expect(r.stopped).toMatchObject({ index: 2, line: 4, field: '(file)', outcome: 'stopped' });
    expect(r.stopped!.problem).toMatch(/truncated: the file ends inside this record/);
    const noClose = await scan('d.json', full.slice(0, -1));
    expect(noClose.count).toBe(3);
    expect(noClose.stopped!.problem).toMatch(/before the closing "\]"/);
    await expect(loadDataset(memoryFile('d.json', cut), { onInvalid: 'skip' })).rejects.toThrow(/record 2 \(line 4\).*truncated/);
  });

  it('a syntax error mid-file, invalid UTF-8, an object at the top, an empty file: fatal issues, no throw from scan', async () => {
    const bad = await scan('d.json', `[${JSON.stringify(zsre('a'))},\n{"src": "b" "ans": "c"}]`);
    expect(bad.count).toBe(1);
    expect(bad.stopped).toMatchObject({ index: 1, line: 2, outcome: 'stopped' });
    expect(bad.stopped!.problem).toMatch(/invalid JSON/);

    const enc = new TextEncoder();
    const head = enc.encode(`[${JSON.stringify(zsre('a'))},{"src": "`);
    const tail = enc.encode(`", "ans": "x"}]`);
    const bytes = new Uint8Array([...head, 0xc3, 0x28, ...tail]);
    const utf = await scan('d.json', bytes);
    expect(utf.count).toBe(1);
    expect(utf.stopped).toMatchObject({ index: 1, outcome: 'stopped' });

    expect((await scan('d.json', '{"a": 1}', { container: 'json' })).stopped!.problem).toMatch(/not a JSON array/);
    expect((await scan('d.json', '')).stopped!.problem).toBe('the file is empty');
    expect((await scan('d.json', '[]')).count).toBe(0);
  });

  it('a record over maxRecordBytes stops reading instead of buffering without bound', async () => {
    const text = `[${JSON.stringify(zsre('a'))}, ${JSON.stringify(zsre('x'.repeat(5000)))}]`;
    const r = await scan('d.json', text, { maxRecordBytes: 1000 }, 256);
    expect(r.count).toBe(1);
    expect(r.stopped).toMatchObject({ index: 1, outcome: 'stopped' });
    expect(r.stopped!.problem).toMatch(/larger than 1000 bytes/);
  });

  it('an unknown layout is one clear stop naming the fields seen and the known layouts', async () => {
    const r = await scan('d.json', '[{"question": "q", "reply": "a"}]');
    expect(r.stopped!.problem).toMatch(/cannot tell the dataset layout.*\["question","reply"\].*zsre \(src \+ ans\|alt\)/);
  });

  it('ROME CounterFact without "{}" in the prompt is reported', async () => {
    const rec = { requested_rewrite: { prompt: 'no slot', subject: 'S', target_new: { str: 'N' }, target_true: { str: 'T' } } };
    const r = await scan('cf.json', JSON.stringify([rec]));
    expect(r.issues[0]).toMatchObject({ index: 0, field: '(record)', outcome: 'skipped' });
    expect(r.issues[0].problem).toMatch(/no "\{\}"/);
  });

  it('a leading BOM is ignored, even split across chunks', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(JSON.stringify([zsre('a')]))]);
    for (const chunk of [1, 2, 4, 64]) expect((await scanDataset(memoryFile('d.json', bytes, chunk))).count).toBe(1);
  });
});

describe('JSON Lines', () => {
  it('a bad line, invalid UTF-8, a wrong type: those lines skipped with their line numbers, blank lines ignored', async () => {
    const enc = new TextEncoder();
    const lines = [
      JSON.stringify(zsre('a')),
      '',
      '{"src": "b", "ans": ',
      JSON.stringify(zsre('c', 3)),
      '\r',
      JSON.stringify(zsre('d')) + '\r',
    ].map((l) => enc.encode(l + '\n'));
    const badUtf = new Uint8Array([...enc.encode('{"src": "'), 0xff, ...enc.encode('", "ans": "x"}\n')]);
    const bytes = new Uint8Array([...lines[0], ...lines[1], ...lines[2], ...badUtf, ...lines[3], ...lines[4], ...lines[5]]);
    const r = await scan('d.jsonl', bytes);
    expect(r.detection).toMatchObject({ container: 'jsonl', containerReason: 'file name ends in .jsonl', layout: 'zsre' });
    expect(r.count).toBe(2);
    expect(brief(r)).toEqual([
      [1, 3, '(record)', 'skipped'],
      [2, 4, '(record)', 'skipped'],
      [3, 5, 'ans', 'skipped'],
    ]);
    expect(r.issues[0].problem).toMatch(/invalid JSON/);
    expect(r.issues[1].problem).toBe('line is not valid UTF-8');
    const { records } = await loadDataset(memoryFile('d.jsonl', bytes, 3));
    expect(records.map((x) => [x.index, x.prompt])).toEqual([
      [0, 'a'],
      [4, 'd'],
    ]);
  });

  it('a line over maxRecordBytes is skipped without holding it, the next line still read', async () => {
    const text = [JSON.stringify(zsre('x'.repeat(3000))), JSON.stringify(zsre('b'))].join('\n');
    const r = await scan('d.jsonl', text, { maxRecordBytes: 500 }, 64);
    expect(r.count).toBe(1);
    expect(r.issues[0]).toMatchObject({ index: 0, line: 1, outcome: 'skipped' });
    expect(r.issues[0].problem).toMatch(/longer than 500 bytes/);
  });
});

describe('CSV', () => {
  const header = 'prompt,answer,rephrase\n';

  it('RFC 4180: quoted delimiters, doubled quotes, embedded newlines, CRLF', async () => {
    const text = header + '"a, b","say ""hi""",r1\r\n"multi\nline",x,"r\n2"\r\nplain,y,\n';
    const { records, report } = await loadDataset(memoryFile('d.csv', text, 3));
    expect(report.detection).toMatchObject({ container: 'csv', layout: 'generic' });
    expect(records).toEqual([
      { index: 0, prompt: 'a, b', answer: 'say "hi"', rephrase: 'r1' },
      { index: 1, prompt: 'multi\nline', answer: 'x', rephrase: 'r\n2' },
    ]);
    // record 1 spans lines 3–5; an empty optional cell is a problem like any empty field
    expect(report.issues).toEqual([{ index: 2, line: 6, field: 'rephrase', problem: 'is empty', outcome: 'skipped' }]);
  });

  it('broken quotes: a stray quote or text after a closing quote spoils one row; an unclosed quote stops', async () => {
    const text = header + 'a"b,x,r\n"c"d,x,r\nok,x,r\n"open,x,r\nmore,x,r\n';
    const r = await scan('d.csv', text);
    expect(r.count).toBe(1);
    expect(r.issues.map((i) => [i.index, i.line, i.outcome])).toEqual([
      [0, 2, 'skipped'],
      [1, 3, 'skipped'],
      [3, 5, 'stopped'],
    ]);
    expect(r.issues[0].problem).toMatch(/double quote inside an unquoted field \(field 1\)/);
    expect(r.issues[1].problem).toMatch(/text after the closing quote of field 1/);
    expect(r.issues[2].problem).toMatch(/quote opened on line 5 is never closed/);
  });

  it('a row with the wrong number of fields, invalid UTF-8, a user mapping with dotted paths', async () => {
    const enc = new TextEncoder();
    const bytes = new Uint8Array([...enc.encode('q\tt\tloc\nQ1\tT1\tL1\nonly\n'), ...enc.encode('Q'), 0xff, ...enc.encode('\tT\tL\n')]);
    const r = await scan('d.tsv', bytes, { mapping: { prompt: 'q', answer: 't', locPrompt: 'loc' } });
    expect(r.detection).toMatchObject({ container: 'csv', layout: 'generic', layoutReason: 'a field mapping was given' });
    expect(r.preview).toEqual([{ index: 0, prompt: 'Q1', answer: 'T1', locPrompt: 'L1' }]);
    expect(r.issues.map((i) => [i.index, i.line, i.problem])).toEqual([
      [1, 3, 'has 1 fields, the header has 3'],
      [2, 4, 'record is not valid UTF-8'],
    ]);
  });
});

describe('generic mapping on JSON', () => {
  it('dotted and indexed paths, alternatives, missing required field', async () => {
    const rows = [{ q: { text: 'P' }, outs: ['A', 'B'] }, { q: { text: 'P2' } }];
    const r = await scan('g.json', JSON.stringify(rows), { mapping: { prompt: 'q.text', answer: ['target', 'outs.1'] } });
    expect(r.preview).toEqual([{ index: 0, prompt: 'P', answer: 'B' }]);
    expect(r.issues).toEqual([{ index: 1, line: 1, field: 'target | outs.1', problem: 'is missing', outcome: 'skipped' }]);
  });

  it('readDataset streams items and reports its detection', async () => {
    const reader = readDataset(memoryFile('d.json', JSON.stringify([zsre('a'), zsre(1)])));
    const items = [];
    for await (const it of reader) items.push(it);
    expect(items.map((i) => (i.record ? 'record' : i.issue!.outcome))).toEqual(['record', 'skipped']);
    expect(reader.detection).toMatchObject({ container: 'json', containerReason: 'the file starts with "["', layout: 'zsre' });
  });
});

describe('MedCF (best-effort mapping)', () => {
  it('is detected from prompt + target + rephrase, and reads ROME-style {str} targets', async () => {
    const rows = [
      {
        prompt: 'Aspirin is used to treat',
        rephrase: 'Aspirin treats',
        target_new: { str: 'gout' },
        target_true: { str: 'pain' },
        locality_prompt: 'Insulin treats',
        locality_ground_truth: 'diabetes',
      },
      { prompt: 'Metformin is used to treat', rephrase: ['Metformin treats'], target: 'asthma' },
      { prompt: 'Q', rephrase: 'R', target: { str: 4 } },
    ];
    const r = await scan('medcf.json', JSON.stringify(rows));
    expect(r.detection?.layout).toBe('medcf');
    expect(r.preview).toEqual([
      {
        index: 0,
        prompt: 'Aspirin is used to treat',
        rephrase: 'Aspirin treats',
        answer: 'gout',
        oldAnswer: 'pain',
        locPrompt: 'Insulin treats',
        locAnswer: 'diabetes',
      },
      { index: 1, prompt: 'Metformin is used to treat', rephrase: 'Metformin treats', answer: 'asthma' },
    ]);
    expect(r.issues).toEqual([{ index: 2, line: 1, field: 'target', problem: 'expected a string, got an object', outcome: 'skipped' }]);
  });

  it('a list field holding a non-string is reported with the element', async () => {
    const r = await scan('f.json', JSON.stringify([{ prompt: 'p', equiv_prompt: ['ok', 3], alt: 'a', unrel_prompt: 'u', unrel_ans: 'v' }]));
    expect(r.issues[0]).toMatchObject({ field: 'equiv_prompt', problem: 'element 1 is a number (3), expected a string' });
  });
});
