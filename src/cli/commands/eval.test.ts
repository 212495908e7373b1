import { mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nodeFolder } from '../../engine/io/node-files';
import { writeTinyCheckpoint } from '../../engine/model/write-tiny';
import { loadModel, type LoadedModel } from '../../engine/model/load';
import { lastLogits, referenceForward } from '../../engine/reference/forward';
import { encodeWeights } from '../../engine/run/export-weights';
import { run } from './eval';

const BASE = [
  { src: 'The capital of France is', rephrase: 'France has its capital in', ans: 'Paris', loc: 'the capital of Italy is', loc_ans: 'Rome' },
  {
    src: 'Which river flows through the city?',
    rephrase: 'What river runs through the city?',
    ans: 'the Oleander River',
    loc: 'who composed the opera',
    loc_ans: 'a composer',
  },
  {
    src: 'What language did the author write in?',
    rephrase: 'The author wrote in',
    ans: 'Danish',
    loc: 'when was the first bridge built',
    loc_ans: 'in 1887',
  },
  {
    src: 'The capital of Germany is',
    rephrase: 'Germany has its capital in',
    ans: 'Berlin',
    loc: 'the capital of France is',
    loc_ans: 'Paris',
  },
];

/** UltraEdit's score of one (prompt, target) from the float64 reference, unpadded, one record at a time. */
function refAccuracy(m: LoadedModel, prompt: string, target: string): number {
  const p = m.tokenizer.encode(prompt, true);
  const a = m.tokenizer.encode(' ' + target, false);
  const ids = [...p, ...a.slice(0, -1)];
  const V = m.spec.vocabSize;
  const { logits } = referenceForward(m.spec, m.weights, { batch: 1, seqLen: ids.length, inputIds: ids, attentionMask: ids.map(() => 1) });
  let hits = 0;
  a.forEach((label, j) => {
    const row = logits.subarray((p.length - 1 + j) * V, (p.length + j) * V);
    hits += row.indexOf(Math.max(...row)) === label ? 1 : 0;
  });
  return hits / a.length;
}

/** Answers the model already half-knows: its own greedy continuation of the prompt, as text. */
function greedyAnswer(m: LoadedModel, prompt: string, steps: number): string {
  const ids = m.tokenizer.encode(prompt, true);
  const p = ids.length;
  for (let s = 0; s < steps; s++) {
    const row = lastLogits(m.spec, m.weights, ids);
    ids.push(row.indexOf(Math.max(...row)));
  }
  return m.tokenizer.decode(ids.slice(p)).trim();
}

async function evalJson(argv: string[]) {
  let text = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((text += String(s)), true));
  const code = await run(argv);
  vi.restoreAllMocks();
  expect(code).toBe(0);
  return JSON.parse(text);
}

afterEach(() => vi.restoreAllMocks());

describe('eval CLI', () => {
  it('prints pre-edit metrics equal to the float64 reference; an edited checkpoint is labelled current', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-'));
    const modelDir = await writeTinyCheckpoint(join(dir, 'model'), { arch: 'qwen2', seed: 43, std: 0.3 });
    const data = join(dir, 'zsre.json');
    const m = await loadModel(nodeFolder(modelDir));
    const RECORDS = BASE.map((r) => ({ ...r, ans: greedyAnswer(m, r.src, 3) }));
    writeFileSync(data, JSON.stringify(RECORDS));

    const res = await evalJson(['--model', modelDir, '--data', data, '--n', '3']);
    expect(res.protocol).toBe('pre-edit');
    expect(res.records).toBe(3);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const rs = RECORDS.slice(0, 3);
    expect(res.metrics.efficacy.tokenAccuracy).toBeCloseTo(mean(rs.map((r) => refAccuracy(m, r.src, r.ans))), 12);
    expect(res.metrics.generalization.tokenAccuracy).toBeCloseTo(mean(rs.map((r) => refAccuracy(m, r.rephrase, r.ans))), 12);
    expect(res.metrics.specificity.tokenAccuracy).toBeCloseTo(mean(rs.map((r) => refAccuracy(m, r.loc + '?', r.loc_ans))), 12);
    expect(res.metrics.efficacy.records).toBe(3);
    // the check has teeth: the greedy answers are in part re-predicted under teacher forcing (tokenization round-trips lose some)
    expect(res.metrics.efficacy.tokenAccuracy).toBeGreaterThan(0);
    console.log('eval metrics', JSON.stringify(res.metrics));
    expect(res.metrics.personas).toBeUndefined();

    // An edited checkpoint as `run` writes it: its metadata says how many edits it carries.
    const edited = join(dir, 'edited');
    await writeTinyCheckpoint(edited, { arch: 'qwen2', seed: 43, std: 0.3 });
    writeFileSync(join(edited, 'model.safetensors'), encodeWeights(m.weights, m.sourceNames, { editor: 'ultraedit', edits: '3' }));
    copyFileSync(join(modelDir, 'config.json'), join(edited, 'config.json'));
    const cur = await evalJson(['--model', edited, '--data', data, '--n', '3', '--metrics', 'efficacy']);
    expect([cur.protocol, cur.edits]).toEqual(['current', 3]);
    expect(cur.metrics.efficacy).toEqual(res.metrics.efficacy);
    expect(cur.metrics.specificity).toBeUndefined();
  });
});
