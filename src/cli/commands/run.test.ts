import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './run';
import { main } from '../main';
import { nodeFile, nodeFolder } from '../../engine/io/node-files';
import { readSafetensorsHeader } from '../../engine/safetensors/header';
import { readTensorF32 } from '../../engine/safetensors/read';
import { openCheckpointTensors } from '../../engine/safetensors/checkpoint';
import { quiet } from '../faults/harness';

const DEMO = 'public/demo/model';
const MODULE = 'model.layers.3.mlp.down_proj';

describe('run command', () => {
  it('writes one JSON line per turn, a report and an edited checkpoint under the input names', async () => {
    const out = await mkdtemp(join(tmpdir(), 'se-run-'));
    const argv = [
      '--model',
      DEMO,
      '--data',
      'public/demo/data/edits.eval.json',
      '--editor',
      'ultraedit',
      '--modules',
      MODULE,
      '--n-edits',
      '10',
      '--sub-batch',
      '5',
      '--turns',
      '2',
      '--lr',
      '3e-3',
      '--ridge',
      '1',
      '--sample-every',
      '1',
      '--out',
      out,
    ];
    const { value, stdout } = await quiet(() => run(argv));
    expect(value).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.step, l.kind, l.edits])).toEqual([
      [0, 'target', 10],
      [1, 'target', 20],
    ]);
    expect((await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(2);
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
    expect(report.final.protocol).toBe('final');
    expect(report.final.metrics.efficacy.records).toBe(20);
    expect(report.preEdit.metrics.efficacy.tokenAccuracy).toBeLessThan(report.final.metrics.efficacy.tokenAccuracy);
    // Every evaluation, in order: pre-edit, the sample after each turn but the last (the final evaluation is that one), final — first and last as in the report.
    const evals = (await readFile(join(out, 'evaluations.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(evals.map((e) => [e.protocol, e.edits])).toEqual([
      ['pre-edit', 0],
      ['sample', 10],
      ['final', 20],
    ]);
    expect(evals[0]).toEqual(report.preEdit);
    expect(evals.at(-1)).toEqual(report.final);

    // Same tensor names and shapes as the input; only the edited module changed.
    const edited = await readSafetensorsHeader(nodeFile(join(out, 'edited.safetensors')));
    const original = await openCheckpointTensors(nodeFolder(DEMO));
    expect([...edited.tensors.keys()].sort()).toEqual([...original.tensors.keys()].sort());
    for (const [name, t] of original.tensors) {
      const a = await readTensorF32(t.file, t.info);
      const b = await readTensorF32(nodeFile(join(out, 'edited.safetensors')), edited.tensors.get(name)!);
      const changed = a.some((x, i) => x !== b[i]);
      expect(changed, name).toBe(name === `${MODULE}.weight`);
    }
  });

  it("takes warm-up turns from the data file's own train split, after a seeded shuffle", async () => {
    const out = await mkdtemp(join(tmpdir(), 'se-split-'));
    const argv = [
      '--model',
      DEMO,
      '--data',
      'public/demo/data/edits.eval.json',
      '--editor',
      'stableedit',
      '--modules',
      MODULE,
      '--n-edits',
      '10',
      '--sub-batch',
      '5',
      '--turns',
      '1',
      '--lr',
      '2e-3',
      '--ridge',
      '10',
      '--warmup-turns',
      '2',
      '--warmup-split',
      '20',
      '--shuffle',
      '7',
      '--sample-every',
      '0',
      '--no-final',
      '--out',
      out,
    ];
    const { value, stdout } = await quiet(() => run(argv));
    expect(value).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.kind, l.turn, l.edits])).toEqual([
      ['warmup', 0, 0],
      ['warmup', 1, 0],
      ['target', 0, 10],
    ]);
    expect(lines[0].diagnostics.warmup).toBe(true);
  });

  it('reports a malformed dataset line with file, record and field, and exits 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'se-bad-'));
    const data = join(dir, 'bad.jsonl');
    await writeFile(
      data,
      '{"src": "What is the capital of Minfethia?", "ans": "Gemtelvik", "rephrase": "x", "loc": "y", "loc_ans": "z"}\n{"src": 42, "ans": "x"}\n',
    );
    const { value, stderr } = await quiet(() =>
      main([
        'run',
        '--model',
        DEMO,
        '--data',
        data,
        '--editor',
        'ultraedit',
        '--modules',
        MODULE,
        '--n-edits',
        '1',
        '--sub-batch',
        '1',
        '--lr',
        '1e-3',
        '--ridge',
        '1',
        '--out',
        join(dir, 'out'),
      ]),
    );
    expect(value).toBe(1);
    expect(stderr).toMatch(/bad\.jsonl/);
    expect(stderr).toMatch(/record 1/);
    expect(stderr).toMatch(/src/);
  });
});
