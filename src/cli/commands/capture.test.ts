import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { maxRelativeError } from '../../engine/gpu/compare';
import { nodeFile, nodeFolder } from '../../engine/io/node-files';
import { writeTinyCheckpoint } from '../../engine/model/write-tiny';
import { loadModel } from '../../engine/model/load';
import { referenceForward } from '../../engine/reference/forward';
import { labelRows, moduleOutputGradFD, referenceLoss } from '../../engine/reference/fd';
import { readSafetensorsHeader } from '../../engine/safetensors/header';
import { readTensorF32, readTensorI32 } from '../../engine/safetensors/read';
import { run } from './capture';

const RECORDS = [
  {
    src: 'Which river flows through the city?',
    rephrase: 'What river runs through the city?',
    ans: 'Oleander River',
    loc: 'who composed the opera',
    loc_ans: 'Henrik',
  },
  {
    src: 'What language did the author write in?',
    rephrase: 'The author wrote in which language?',
    ans: 'Danish',
    loc: 'when was the bridge built',
    loc_ans: '1887',
  },
  { src: 'The capital of France is', rephrase: 'France has its capital in', ans: 'Paris', loc: 'the capital of Italy', loc_ans: 'Rome' },
  {
    src: 'The capital of Germany is',
    rephrase: 'Germany has its capital in',
    ans: 'Berlin',
    loc: 'the capital of France',
    loc_ans: 'Paris',
  },
  {
    src: 'Who composed the opera?',
    rephrase: 'The opera was composed by',
    ans: 'a composer from the north',
    loc: 'the river of the city',
    loc_ans: 'Oleander',
  },
];

async function setup(arch: 'gpt2' | 'llama') {
  const dir = mkdtempSync(join(tmpdir(), 'capture-'));
  const model = await writeTinyCheckpoint(join(dir, 'model'), { arch, seed: 41 });
  const data = join(dir, 'zsre.json');
  writeFileSync(data, JSON.stringify(RECORDS));
  return { dir, model, data };
}

afterEach(() => vi.restoreAllMocks());

describe('capture CLI', () => {
  it('writes the §5 tensors; each sub-batch at its own length; values = float64 reference', async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const { dir, model, data } = await setup('gpt2');
    const modules = ['transformer.h.1.mlp.c_proj', 'transformer.h.0.mlp.c_proj'];
    const out = join(dir, 'out', 'cap.safetensors');
    const code = await run([
      '--model',
      model,
      '--data',
      data,
      '--modules',
      modules.join(','),
      '--n-edits',
      '5',
      '--sub-batch',
      '2',
      '--out',
      out,
    ]);
    expect(code).toBe(0);

    const m = await loadModel(nodeFolder(model));
    const file = nodeFile(out);
    const header = await readSafetensorsHeader(file);
    const names = [...header.tensors.keys()].sort();
    const expected: string[] = [];
    for (let b = 0; b < 3; b++) {
      expected.push(`sb${b}.input_ids`, `sb${b}.attention_mask`, `sb${b}.labels`, `sb${b}.loss`);
      for (const mod of modules) expected.push(`sb${b}.${mod}.keys`, `sb${b}.${mod}.grads`);
    }
    expect(names).toEqual(expected.sort());
    expect(JSON.parse(header.metadata.records).flat().sort()).toEqual([0, 1, 2, 3, 4]);

    let prevLongest = Infinity;
    for (let b = 0; b < 3; b++) {
      const info = (n: string) => header.tensors.get(`sb${b}.${n}`)!;
      const ids = await readTensorI32(file, info('input_ids'));
      const mask = await readTensorI32(file, info('attention_mask'));
      const labels = await readTensorI32(file, info('labels'));
      const [B, T] = info('input_ids').shape;
      expect(info('input_ids').dtype).toBe('I32');
      expect(B).toBe(b < 2 ? 2 : 1);
      // padded to the sub-batch's own longest record, and sub-batches come longest first
      const lengths = Array.from({ length: B }, (_, r) => mask.subarray(r * T, (r + 1) * T).reduce((s, x) => s + x, 0));
      expect(Math.max(...lengths)).toBe(T);
      expect(T).toBeLessThanOrEqual(prevLongest);
      prevLongest = Math.min(...lengths);
      for (let i = 0; i < B * T; i++) if (!mask[i]) expect([ids[i], labels[i]]).toEqual([0, -100]);

      const input = { batch: B, seqLen: T, inputIds: ids, attentionMask: mask, labels };
      const rows = labelRows(labels);
      const loss = (await readTensorF32(file, info('loss')))[0];
      const refLoss = referenceLoss(m.spec, m.weights, input);
      expect(Math.abs(loss - refLoss) / refLoss).toBeLessThanOrEqual(1e-4);
      const ref = referenceForward(m.spec, m.weights, input, { capture: modules });
      for (const mod of modules) {
        const spec = m.modules.find((x) => x.name === mod)!;
        expect(info(`${mod}.keys`).shape).toEqual([rows.length, spec.dIn]);
        expect(info(`${mod}.grads`).shape).toEqual([rows.length, spec.dOut]);
        const K = ref.moduleInputs.get(mod)!;
        const keys = rows.flatMap((r) => Array.from(K.subarray(r * spec.dIn, (r + 1) * spec.dIn)));
        expect(maxRelativeError(await readTensorF32(file, info(`${mod}.keys`)), keys)).toBeLessThanOrEqual(1e-4);
        if (b === 0)
          expect(
            maxRelativeError(await readTensorF32(file, info(`${mod}.grads`)), moduleOutputGradFD(m.spec, m.weights, input, mod)),
          ).toBeLessThanOrEqual(1e-3);
      }
    }
  });

  it('rejects an unknown module and a dataset shorter than --n-edits, naming them', async () => {
    const { dir, model, data } = await setup('llama');
    const out = join(dir, 'x.safetensors');
    const base = ['--model', model, '--data', data, '--sub-batch', '2', '--out', out];
    await expect(run([...base, '--modules', 'model.layers.7.mlp.down_proj', '--n-edits', '2'])).rejects.toThrow(
      /--modules: 'model.layers.7.mlp.down_proj': is not an editable module .*editable: model.layers.0.mlp.down_proj, model.layers.1.mlp.down_proj/,
    );
    await expect(run([...base, '--modules', 'model.layers.0.mlp.down_proj', '--n-edits', '9'])).rejects.toThrow(
      /zsre.json: has 5 valid records; 9 were asked for/,
    );
  });
});
