/** The interactive edit on the real demo model (CPU runtime): the new answer becomes the top-1 next token, the probe agrees. */
import { describe, expect, it } from 'vitest';
import { nodeFile, nodeFolder } from '../io/node-files';
import { loadModel } from '../model/load';
import { loadDataset } from '../data/dataset';
import { createCpuRuntime } from '../runtime/cpu-runtime';
import { DEMO_INTERACTIVE, DEMO_MODULES } from './demo-defaults';
import { applySingleEdit, singleEditNote, singleEditPlan } from './single-edit';
import { runEditorNames } from '../run/config';
import { isLocateEditor } from '../editors/locate/settings';
import { corpusTexts } from '../editors/locate/corpus';
import { readFileSync } from 'node:fs';
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
    const { turn } = await applySingleEdit(
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

  it('applies a one-record edit with every editor the settings list offers (ultraedit as two copies of the record)', async () => {
    const model = await loadModel(nodeFolder('public/demo/model'));
    const train = (await loadDataset(nodeFile('public/demo/data/edits.train.json'), { limit: DEMO_INTERACTIVE.statisticsRecords })).records;
    const [rec] = (await loadDataset(nodeFile('public/demo/data/edits.eval.json'), { limit: 1 })).records;
    const corpus = corpusTexts(readFileSync('public/demo/data/train-corpus.json', 'utf8'), 'train-corpus.json')!.slice(0, 64);
    for (const editor of runEditorNames) {
      const rt = await createCpuRuntime(model);
      const { turn, plan } = await applySingleEdit(
        rt,
        model.tokenizer,
        { prompt: rec.prompt, answer: rec.answer, subject: rec.subject },
        {
          editor,
          lr: DEMO_INTERACTIVE.lr,
          ridge: DEMO_INTERACTIVE.ridge,
          modules: DEMO_MODULES,
          statistics: train,
          corpus: isLocateEditor(editor) ? corpus : undefined,
        },
      );
      expect(turn.kind, editor).toBe('target');
      expect(plan.rows, editor).toBe(editor === 'ultraedit' ? 2 : 1);
      // Something was applied: the edited modules moved.
      const w = await rt.weights();
      const moved = model.modules.some((m) => w.get(m.weight)!.data.some((v, i) => v !== model.weights.get(m.weight)!.data[i]));
      expect(moved, editor).toBe(true);
      await rt.dispose();
    }
  }, 120_000);

  it('plans whole turns of the rows an editor needs, and the note says what will happen', () => {
    expect(singleEditPlan('stableedit', 32)).toEqual({ rows: 1, statisticsUsed: 32, usesStatistics: true });
    expect(singleEditPlan('ultraedit', 33)).toEqual({ rows: 2, statisticsUsed: 32, usesStatistics: true });
    expect(singleEditPlan('ft', 32)).toEqual({ rows: 1, statisticsUsed: 0, usesStatistics: false });
    expect(singleEditPlan('memit', 32).usesStatistics).toBe(false);
    expect(singleEditNote('ultraedit', 32, '0.01', 10)).toBe(
      'The edit is a one-record turn of the settings’ editor (ultraedit, λ 10, lr 0.01) on the chosen modules, after the statistics of 32 warm-up records; its batch variance needs 2 rows, so the record is given 2 times.',
    );
  });

  it('refuses an edit with no statistics records, saying where to give them', async () => {
    const model = await loadModel(nodeFolder('public/demo/model'));
    const rt = await createCpuRuntime(model);
    const s = { editor: 'ultraedit', lr: 1e-2, ridge: 10, modules: DEMO_MODULES, statistics: [] };
    await expect(applySingleEdit(rt, model.tokenizer, { prompt: 'Who?', answer: 'x' }, s)).rejects.toThrow(/Data panel/);
  });

  it('refuses an empty prompt or answer with a message that says which', async () => {
    const model = await loadModel(nodeFolder('public/demo/model'));
    const rt = await createCpuRuntime(model);
    const s = { editor: 'ft', lr: 1e-2, ridge: 10, modules: DEMO_MODULES, statistics: [] };
    await expect(applySingleEdit(rt, model.tokenizer, { prompt: ' ', answer: 'x' }, s)).rejects.toThrow(/prompt is empty/);
    await expect(applySingleEdit(rt, model.tokenizer, { prompt: 'Who?', answer: '' }, s)).rejects.toThrow(/answer is empty/);
    await expect(probe(rt, model.tokenizer, '', 3, 1)).rejects.toThrow(/probe prompt/);
  });
});
