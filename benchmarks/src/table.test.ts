import { describe, expect, it } from 'vitest';
import { derive, stageTotal, type Measured } from './result';
import { markdownTable, TABLE_COLUMNS, tableRow } from './table';
import { editorFlops, ridgeFlops } from './editor-flops';
import { editedLayerIndices } from './shapes';
import { labStages, median, medianStages, parsePeer, peerLengths, peerTable, repsTable } from './peer';

const measured: Measured = {
  label: 'gpt2-small',
  backend: 'wasm',
  backendLabel: 'wasm ×1',
  model: 'gpt2-small',
  editor: 'stableedit',
  layers: 12,
  params: 124e6,
  modules: ['transformer.h.7.mlp.c_proj'],
  nEdits: 100,
  subBatch: 10,
  turns: 2,
  rows: 100,
  ms: { tokenize: 2, captureFwd: 300, captureBwd: 200, stats: 40, whitening: 250, solve: 60, apply: 8, evaluate: 130, editorOther: 10 },
  flops: { capture: 8e9, captureForward: 5e9, evaluate: 3e9, editor: 1e9 },
  peakGflops: 20,
  machinePeak: { gflops: 40, backend: 'native' },
  dual: { ms: 5, primalMs: 400, relDiff: 1e-12, dIn: 3072, dOut: 768, rows: 100 },
  memory: { peakJsHeapMB: 900, peakRssMB: 1500, gpuBuffersMB: null },
  timedCompiles: 0,
};

describe('bench result and table', () => {
  it('derives rates and ratios from the stage times and FLOPs', () => {
    const r = derive(measured);
    expect(stageTotal(measured.ms)).toBe(1000);
    expect(r.totalMs).toBe(1000);
    expect(r.turnsPerSec).toBeCloseTo(1, 12);
    expect(r.editsPerSec).toBeCloseTo(100, 12);
    // 12 GFLOP at the machine's 40 GFLOP/s = 300 ms ideal, at the backend's own 20 GFLOP/s 600 ms; 1000 ms measured
    expect(r.roofline).toBeCloseTo(1000 / 300, 12);
    expect(r.backendRoofline).toBeCloseTo(1000 / 600, 12);
    expect(r.captureRoofline).toBeCloseTo(500 / 200, 12);
    expect(r.editorShare).toBeCloseTo((40 + 250 + 60 + 10 + 8) / 1000, 12);
    expect(r.primalOverDual).toBe(80);
    expect(derive({ ...measured, dual: { ...measured.dual, primalMs: null } }).primalOverDual).toBeNull();
  });

  it('builds a Markdown table with one cell per column', () => {
    const r = derive(measured);
    const md = markdownTable([r, { ...r, label: 'a|b' }]).split('\n');
    expect(md).toHaveLength(4);
    const cells = (line: string) => line.slice(2, -2).split(/ (?<!\\)\| /);
    expect(cells(md[0])).toEqual([...TABLE_COLUMNS]);
    expect(cells(md[2])).toHaveLength(TABLE_COLUMNS.length);
    expect(cells(md[3])[0]).toBe('a\\|b');
    const row = Object.fromEntries(TABLE_COLUMNS.map((c, i) => [c, tableRow(r)[i]]));
    expect(row).toMatchObject({
      'turn ms': '1000',
      'turns/s': '1.00',
      'edits/s': '100',
      whitening: '250.0',
      backend: 'wasm ×1',
      'machine peak': '40.0 (native)',
      roofline: '3.33',
      'backend roofline': '1.67',
      'editor %': '36.8',
      'primal/dual': '80.0',
      'GFLOP/turn': '12.0',
      'peak RSS MB': '1500',
      'GPU MB': '—',
    });
  });

  it('editor FLOPs follow the stated operation counts', () => {
    // dual: N²·dIn + N³/3 + 2N²·dOut + 2N·dIn·dOut at N=3, dIn=4, dOut=2
    expect(ridgeFlops('dual', 3, 4, 2)).toBe(36 + 9 + 36 + 48);
    expect(ridgeFlops('primal', 3, 4, 2)).toBeCloseTo(48 + 48 + 64 / 3 + 64, 12);
    const e = editorFlops({
      editor: 'stableedit',
      dIn: 4,
      dOut: 2,
      subBatchRows: [1, 2],
      sigma: 'full',
      chargesWhitening: true,
      solve: 'dual',
    });
    expect(e.stats).toBe(3 * 1 * 6 + 1 * 4 + 8 + 3 * 2 * 6 + 2 * 4 + 8);
    expect(e.whitening).toBe(11 * 8);
    expect(e.solve).toBe(2 * 3 * 4 + 2 * 3 * 4 + 2 * 3 * 4 + 3 * 2 + ridgeFlops('dual', 3, 4, 2));
    expect(e.apply).toBe(8);
    const u = editorFlops({
      editor: 'ultraedit',
      dIn: 4,
      dOut: 2,
      subBatchRows: [3],
      sigma: 'diagonal',
      chargesWhitening: true,
      solve: 'dual',
    });
    expect(u.stats).toBe(3 * 3 * 6);
    expect(u.whitening).toBe(0);
  });

  it('edits upper-middle layers', () => {
    expect(editedLayerIndices(12, 3)).toEqual([6, 7, 8]);
    expect(editedLayerIndices(4, 2)).toEqual([1, 2]);
    expect(editedLayerIndices(2, 2)).toEqual([0, 1]);
    expect(editedLayerIndices(30, 3)).toEqual([20, 21, 22]);
  });
});

describe('peer comparison', () => {
  const peerJson = {
    peer: 'pytorch',
    model: 'gpt2-small',
    layers: 12,
    nEdits: 100,
    editors: { stableedit: { capture: 1, editor: 0.5, evaluate: 0.25, turn: 2 } },
  };

  it('takes lab ÷ peer per stage for the matching editor, model and depth', () => {
    const r = derive(measured);
    expect(labStages(r)).toEqual({ capture: 0.502, editor: 0.368, evaluate: 0.13, turn: 1 });
    const md = peerTable([r, { ...r, editor: 'ultraedit' }, { ...r, layers: 4 }], parsePeer(JSON.stringify(peerJson), 'p.json')).split(
      '\n',
    );
    expect(md).toHaveLength(3); // header, rule, the one matching row
    expect(md[2]).toBe('| gpt2-small | stableedit | 0.50 | 1.00 | 0.50 | 0.37 | 0.50 | 0.74 | 0.13 | 0.25 | 0.52 | 1.00 | 2.00 | 0.50 |');
  });

  it('takes interleaved reps as stage medians, and lists every rep', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const st = (turn: number) => ({ capture: turn / 2, editor: turn / 4, evaluate: turn / 8, turn });
    expect(medianStages([st(2), st(6), st(4)])).toEqual(st(4));
    const r = derive(measured); // lab turn 1 s
    const slow = { ...r, totalMs: 3000 };
    const peer = (turn: number) => parsePeer(JSON.stringify({ ...peerJson, editors: { stableedit: st(turn) } }), 'p.json');
    const md = repsTable([[r], [slow]], [[peer(2)], [peer(4)]]).split('\n');
    expect(md).toHaveLength(3);
    // lab turn median (1 + 3)/2 = 2, peer (2 + 4)/2 = 3: ratio 0.67
    expect(md[2]).toMatch(/\| 2\.00 \| 3\.00 \| 0\.67 \| 1\.00 \/ 2\.00, 3\.00 \/ 4\.00 \|$/);
    expect(repsTable([[{ ...r, layers: 4 }]], [[peer(2)]])).toMatch(/no lab row/);
  });

  it("gives the peer the lab's input lengths: prompt ++ answer[:-1], rephrase for generalization", () => {
    const tok = {
      encode: (t: string) =>
        t
          .split(' ')
          .filter(Boolean)
          .map((w) => w.length),
    } as unknown as Parameters<typeof peerLengths>[0];
    const recs = [
      { index: 0, prompt: 'a b c', answer: 'x y', rephrase: 'a b' },
      { index: 1, prompt: 'a', answer: 'x' },
    ];
    expect(peerLengths(tok, recs)).toEqual({ efficacy: [4, 1], generalization: [3, 1] });
  });

  it('names the file and the field of a bad peer JSON', () => {
    expect(() => parsePeer('{', 'p.json')).toThrow(/p.json: not JSON/);
    expect(() => parsePeer(JSON.stringify({ ...peerJson, layers: '12' }), 'p.json')).toThrow(/p.json: field "layers" must be a number/);
    const bad = { ...peerJson, editors: { stableedit: { ...peerJson.editors.stableedit, turn: 0 } } };
    expect(() => parsePeer(JSON.stringify(bad), 'p.json')).toThrow(/editors.stableedit.turn must be a positive number/);
  });

  it('reads the PyTorch figures kept from an earlier session', async () => {
    const { readFile } = await import('node:fs/promises');
    const p = parsePeer(await readFile('benchmarks/peer/earlier-session.json', 'utf8'), 'earlier-session.json');
    for (const s of Object.values(p.editors)) expect(s.capture + s.editor + s.evaluate).toBeCloseTo(s.turn, 9);
    expect(p.note).toMatch(/not side by side/);
  });
});
