/** The interactive edit on the real demo model (CPU runtime): the new answer becomes the top-1 next token, the probe agrees. */
import { describe, expect, it } from 'vitest';
import { nodeFile, nodeFolder } from '../io/node-files';
import { loadModel } from '../model/load';
import { loadDataset } from '../data/dataset';
import { createCpuRuntime } from '../runtime/cpu-runtime';
import { DEMO_INTERACTIVE, DEMO_MODULES } from './demo-defaults';
import { applySingleEdit } from './single-edit';
import { probe } from './probe';

describe('applySingleEdit + probe on the demo model', () => {
  it('changes the answer to the prompt and only the edited modules', async () => {
    const model = await loadModel(nodeFolder('public/demo/model'));
    const train = (await loadDataset(nodeFile('public/demo/data/edits.train.json'), { limit: DEMO_INTERACTIVE.statisticsRecords })).records;
    const [rec] = (await loadDataset(nodeFile('public/demo/data/edits.eval.json'), { limit: 1 })).records;
    const rt = await createCpuRuntime(model);
    const before = await probe(rt, model.tokenizer, rec.prompt, 3, 2);
    expect(before.top[0].text.trim()).not.toBe(rec.answer);
    // probabilities are a distribution's top entries, most likely first
    expect(before.top[0].prob).toBeGreaterThanOrEqual(before.top[1].prob);
    const turn = await applySingleEdit(
      rt,
      model.tokenizer,
      { prompt: rec.prompt, answer: rec.answer },
      { editor: 'stableedit', lr: DEMO_INTERACTIVE.lr, ridge: DEMO_INTERACTIVE.ridge, modules: DEMO_MODULES, statistics: train },
    );
    expect(turn.kind).toBe('target');
    expect(turn.diagnostics.modules.map((d) => d.module)).toEqual(DEMO_MODULES);
    const after = await probe(rt, model.tokenizer, rec.prompt, 3, 2);
    expect(after.top[0].text.trim()).toBe(rec.answer);
    expect(after.continuation.split(' ')[0]).toBe(rec.answer);
    const w = await rt.weights();
    for (const m of model.modules) {
      const changed = w.get(m.weight)!.data.some((v, i) => v !== model.weights.get(m.weight)!.data[i]);
      expect(changed, m.name).toBe(DEMO_MODULES.includes(m.name));
    }
    await rt.dispose();
  }, 30_000);

  it('refuses an empty prompt or answer with a message that says which', async () => {
    const model = await loadModel(nodeFolder('public/demo/model'));
    const rt = await createCpuRuntime(model);
    const s = { editor: 'stableedit', lr: 1e-2, ridge: 10, modules: DEMO_MODULES, statistics: [] };
    await expect(applySingleEdit(rt, model.tokenizer, { prompt: ' ', answer: 'x' }, s)).rejects.toThrow(/prompt is empty/);
    await expect(applySingleEdit(rt, model.tokenizer, { prompt: 'Who?', answer: '' }, s)).rejects.toThrow(/answer is empty/);
    await expect(probe(rt, model.tokenizer, '', 3, 1)).rejects.toThrow(/probe prompt/);
  });
});
