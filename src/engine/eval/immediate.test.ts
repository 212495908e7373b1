/**
 * The immediate evaluation that shares the capture's sub-batches and residual scores every record
 * exactly as a plain evaluate() of the edited model does (same predicted tokens per record and
 * metric), on the demo model with real edits of two blocks; and evaluate()'s pooled pass over
 * several metrics equals scoring each metric alone.
 */
import { describe, expect, it } from 'vitest';
import { nodeFile, nodeFolder } from '../io/node-files';
import { loadDataset } from '../data/dataset';
import { loadModel } from '../model/load';
import { createCpuRuntime } from '../runtime/cpu-runtime';
import { buildSubBatches, editPairs } from '../run/batching';
import { Rng } from '../util/rng';
import { evaluate, type Evaluation } from './evaluate';
import { IMMEDIATE_KINDS, immediateEvaluation } from './immediate';

const predicted = (ev: Evaluation) => new Map([...ev.scores].map(([k, v]) => [k, v.predicted]));

describe('immediate evaluation sharing the capture', () => {
  it('= evaluate() of the edited model, record by record', async () => {
    const m = await loadModel(nodeFolder('public/demo/model'));
    const { records } = await loadDataset(nodeFile('public/demo/data/edits.eval.json'), { limit: 30 });
    const rt = await createCpuRuntime(m);
    const mods = m.modules.slice(2, 4);
    const subBatches = buildSubBatches(m.tokenizer, editPairs(records), { subBatch: 10 });
    const captures = [];
    for (const sb of subBatches)
      captures.push(
        await rt.capture(
          sb,
          mods.map((x) => x.name),
          { residual: true },
        ),
      );
    expect(captures.every((c) => c.residual?.layer === 2)).toBe(true);
    const rng = new Rng(5);
    for (const x of mods) await rt.applyDelta(x.name, Float32Array.from(rng.normals(x.dIn * x.dOut, 0.05)));

    const shared = await immediateEvaluation(rt, m.tokenizer, records, { subBatches, captures });
    const plain = await evaluate(rt, m.tokenizer, records, { kinds: IMMEDIATE_KINDS });
    expect(shared.scores.size).toBe(60);
    expect(predicted(shared)).toEqual(predicted(plain));
    expect(shared.metrics).toEqual(plain.metrics);
    const pre = await createCpuRuntime(m);
    const before = await evaluate(pre, m.tokenizer, records, { kinds: IMMEDIATE_KINDS });
    expect(predicted(before)).not.toEqual(predicted(plain)); // the edit changed predictions
    await Promise.all([rt.dispose(), pre.dispose()]);
  });

  it("evaluate()'s pooled pass over several metrics = each metric alone", async () => {
    const m = await loadModel(nodeFolder('public/demo/model'));
    const { records } = await loadDataset(nodeFile('public/demo/data/edits.eval.json'), { limit: 25 });
    const rt = await createCpuRuntime(m);
    const all = await evaluate(rt, m.tokenizer, records, { kinds: ['efficacy', 'generalization', 'specificity'], batch: 8 });
    for (const kind of ['efficacy', 'generalization', 'specificity'] as const) {
      const alone = await evaluate(rt, m.tokenizer, records, { kinds: [kind], batch: 8 });
      expect(alone.metrics[kind]).toEqual(all.metrics[kind]);
      for (const [k, v] of alone.scores) expect(all.scores.get(k)?.predicted, k).toEqual(v.predicted);
    }
    await rt.dispose();
  });
});
