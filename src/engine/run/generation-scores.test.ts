/**
 * The run's generation-based scores and drift on the demo model: WILD, fluency and drift ride on the
 * pre-edit, sampled and final evaluations; drift before editing is exactly (1, 1); the edits move
 * WILD efficacy and the final-layer states; a resumed run reports the same drift as an uninterrupted
 * one (the pre-edit states come back from the checkpoint).
 */
import { describe, expect, it } from 'vitest';
import { nodeFile, nodeFolder } from '../io/node-files';
import { loadDataset } from '../data/dataset';
import { loadModel } from '../model/load';
import { createCpuRuntime } from '../runtime/cpu-runtime';
import { DEFAULT_RUN, type RunConfig } from './config';
import { LifelongRun } from './lifelong-run';
import { MemoryStore } from './checkpoint-store';
import type { RunEvent } from './events';

const CONFIG: RunConfig = {
  ...DEFAULT_RUN,
  editor: 'ultraedit',
  lr: 3e-3,
  ridge: 1,
  modules: ['model.layers.2.mlp.down_proj', 'model.layers.3.mlp.down_proj'],
  nEdits: 20,
  subBatch: 10,
  turns: 2,
  sampleEvery: 1,
  sampleSize: 20,
  checkpointEvery: 1,
  wildEval: true,
  fluencySize: 2,
  driftSize: 24,
};

describe('generation scores and drift in a run', () => {
  it('pre-edit, sampled and final evaluations carry WILD, fluency and drift; a resume keeps drift', async () => {
    const model = await loadModel(nodeFolder('public/demo/model'));
    const { records } = await loadDataset(nodeFile('public/demo/data/edits.eval.json'), { limit: 40 });
    const events: RunEvent[] = [];
    const runtime = await createCpuRuntime(model);
    const run = await LifelongRun.open(CONFIG, { runtime, tokenizer: model.tokenizer, target: records, emit: (e) => events.push(e) });
    while (!run.done) await run.step();
    const report = await run.finish();
    const [pre, sample] = run.metrics;
    expect(pre.protocol).toBe('pre-edit');
    expect(pre.drift!.records).toBe(24);
    expect(pre.drift!.meanCosine).toBeCloseTo(1, 6);
    expect(pre.drift!.cka).toBeCloseTo(1, 12);
    expect(sample.protocol).toBe('sample');
    for (const r of [pre, sample, report.final]) {
      expect(r.metrics.efficacy!.wildExactMatch).toBeGreaterThanOrEqual(0);
      expect(r.metrics.specificity!.wildF1).toBeGreaterThanOrEqual(0);
      expect(r.fluency!.records).toBe(2);
      expect(r.fluency!.ngramEntropy).toBeGreaterThan(0);
    }
    // counterfactual edits: the unedited model generates none of them, the edited one some
    expect(pre.metrics.efficacy!.wildExactMatch).toBeLessThan(0.05);
    expect(report.final.metrics.efficacy!.wildExactMatch).toBeGreaterThan(0.2);
    expect(report.final.drift!.meanCosine).toBeLessThan(1);
    expect(report.final.drift!.cka).toBeLessThan(1);
    expect(events.filter((e) => e.type === 'states').map((e) => (e as { edits: number }).edits)).toEqual([0, 20, 40]);
    expect(run.finalGenerated!.get('efficacy:0')!.text.length).toBeGreaterThan(0);

    // killed after the first turn, resumed from its checkpoint: the same drift at the end
    const store = new MemoryStore();
    const first = await LifelongRun.open(CONFIG, {
      runtime: await createCpuRuntime(model),
      tokenizer: model.tokenizer,
      target: records,
      store,
    });
    await first.step();
    const resumed = await LifelongRun.open(CONFIG, {
      runtime: await createCpuRuntime(model),
      tokenizer: model.tokenizer,
      target: records,
      store,
    });
    while (!resumed.done) await resumed.step();
    expect((await resumed.finish()).final.drift).toEqual(report.final.drift);
  });
});
