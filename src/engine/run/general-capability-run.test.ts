/**
 * General capability in a run on the demo model and the demo's set: scored before editing, with the
 * sampled evaluation of every generalEvery-th turn and after the last, on the same seeded draw each
 * time (so an unedited model scores the same before and at a zero-lr turn); a generalEvery that
 * is not a multiple of sampleEvery is refused naming the field.
 */
import { describe, expect, it } from 'vitest';
import { nodeFile, nodeFolder } from '../io/node-files';
import { loadDataset } from '../data/dataset';
import { readGeneralSets } from '../data/general-sets';
import { loadModel } from '../model/load';
import { createCpuRuntime } from '../runtime/cpu-runtime';
import { DEFAULT_RUN, validateRunConfig, type RunConfig } from './config';
import { LifelongRun } from './lifelong-run';

const CONFIG: RunConfig = {
  ...DEFAULT_RUN,
  editor: 'ultraedit',
  lr: 3e-3,
  ridge: 1,
  modules: ['model.layers.2.mlp.down_proj', 'model.layers.3.mlp.down_proj'],
  nEdits: 20,
  subBatch: 10,
  turns: 3,
  sampleEvery: 1,
  sampleSize: 10,
  generalEvery: 2,
  generalSize: 12,
  checkpointEvery: 0,
};

describe('general capability in a run', () => {
  it('pre-edit, every generalEvery-th sample and final carry it; the draw is fixed', async () => {
    const model = await loadModel(nodeFolder('public/demo/model'));
    const { records } = await loadDataset(nodeFile('public/demo/data/edits.eval.json'), { limit: 60 });
    const general = await readGeneralSets(nodeFile('public/demo/data/general.json'));
    expect(general.map((g) => g.key)).toEqual(['demo.located_in', 'demo.capital', 'demo.founder', 'demo.tool']);
    const runtime = await createCpuRuntime(model);
    const run = await LifelongRun.open(CONFIG, { runtime, tokenizer: model.tokenizer, target: records, general });
    while (!run.done) await run.step();
    const report = await run.finish();
    const scored = run.metrics.map((m) => [m.protocol, m.edits, m.general !== undefined]);
    expect(scored).toEqual([
      ['pre-edit', 0, true],
      ['sample', 20, false],
      ['sample', 40, true],
      ['final', 60, true],
    ]);
    for (const g of general) {
      const pre = report.preEdit!.general![g.key];
      expect(pre.total).toBe(Math.min(12, g.examples.length));
      expect(pre.correct + pre.incorrect + pre.invalid).toBe(pre.total);
      expect(pre.f1).toBeGreaterThanOrEqual(0);
      expect(report.final.general![g.key].total).toBe(pre.total);
    }
    // the trained model knows its backbone facts: the label words pick most of them before editing
    expect(report.preEdit!.general!['demo.located_in'].accuracy_new).toBeGreaterThan(0.5);

    // the same draw with nothing applied scores the same (lr tiny: the model does not move)
    const still = await LifelongRun.open(
      { ...CONFIG, lr: 1e-30, turns: 2, generalEvery: 0 },
      {
        runtime: await createCpuRuntime(model),
        tokenizer: model.tokenizer,
        target: records,
        general,
      },
    );
    while (!still.done) await still.step();
    const r2 = await still.finish();
    expect(r2.final.general).toEqual(r2.preEdit!.general);
    expect(r2.preEdit!.general).toEqual(report.preEdit!.general);
  });

  it('refuses a generalEvery that no sampled evaluation meets', () => {
    expect(validateRunConfig({ ...CONFIG, generalEvery: 3, sampleEvery: 2 }).generalEvery).toMatch(/multiple of sampleEvery \(2\)/);
    expect(validateRunConfig({ ...CONFIG, generalEvery: 2, sampleEvery: 0 }).generalEvery).toMatch(/multiple of sampleEvery/);
    expect(validateRunConfig({ ...CONFIG, generalEvery: 0, sampleEvery: 0 }).generalEvery).toBeUndefined();
  });
});
