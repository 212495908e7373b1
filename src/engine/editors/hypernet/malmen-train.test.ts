/**
 * MALMEN's meta-training and editing on a tiny llama, through the runtime:
 *
 * - two steps against a transcription of the reference's BaseEditor.train with MALMEN's
 *   predict_param_shifts / update_hypernet (editor/base.py, editor/malmen.py): cache (answer tokens,
 *   token: ans), edit_model(+), the rephrase CE, edit_model(−), the locality loop with its reference
 *   logits before the shift, then the solve's backward and the network re-run chunk by chunk,
 *   clip_grad_norm_ and an Adam step every step, the model left unedited; written with the same
 *   runtime calls and the network math of malmen-edit.ts (held to torch by malmen-reference.test.ts):
 *   the trained parameters agree ≤ 1e-9 relative, λ included;
 * - a training saved after a step and resumed reproduces the uninterrupted one bit for bit;
 * - the run-time editor's turn is the normalizer merge plus predictMalmenShift of the stacked captures.
 */
import { describe, expect, it } from 'vitest';
import { createCpuRuntime } from '../../runtime/cpu-runtime';
import { buildSubBatches, editPairs } from '../../run/batching';
import { emptyRunningMoments } from '../../linalg/chan';
import { adamStep } from '../../util/adam';
import { pack, unpack } from '../../util/pack';
import type { ModuleCapture } from '../../types';
import { clipGradNorm } from './clip-grad';
import { malmenBackward, predictMalmenShift } from './malmen-edit';
import { paramArrays, zerosLike } from './rledit-net';
import { createNetwork } from './rledit-network';
import { rleditSettings } from './rledit-settings';
import { RLEditEditor } from './rledit-editor';
import { RLEditTrainer, type TrainerCheckpoint } from './rledit-train';
import { editLocalityModuleGrads, mergeInto, MODULES, records, tiny } from './train-fixture';

// Small network, chunks of 2 rows (every turn's rows span several, the last one short), a step size that moves the model.
const SETTINGS = rleditSettings({ editor: 'malmen', rank: 6, nBlocks: 2, lr: 2e-3, metaLr: 1e-2, maxGradNorm: 0.05, seed: 5, netBatch: 2 });

describe('MALMEN meta-training', () => {
  it('two steps = the transcription of BaseEditor.train with MALMEN (answer tokens, the model left unedited, Adam every step) ≤ 1e-9', async () => {
    const model = await tiny();
    const data = records(6);
    const rtTrainer = await createCpuRuntime(model);
    const trainer = new RLEditTrainer(SETTINGS, {
      runtime: rtTrainer,
      tokenizer: model.tokenizer,
      records: data,
      modules: MODULES,
      nEdits: 3,
      subBatch: 2,
    });
    const order = (await trainer.save()).order;
    while (!trainer.done) await trainer.step();
    const weightOf = (n: string) => rtTrainer.modules.find((m) => m.name === n)!.weight;
    for (const n of MODULES) expect(rtTrainer.changedWeights()).not.toContain(weightOf(n));

    const rt = await createCpuRuntime(model);
    const net = createNetwork(
      MODULES.map((n) => rt.modules.find((m) => m.name === n)!),
      SETTINGS,
    );
    const key = Object.keys(net.shapes)[0];
    const sn = net.shapes[key];
    const initial = paramArrays(
      createNetwork(
        MODULES.map((n) => rt.modules.find((m) => m.name === n)!),
        SETTINGS,
      ).shapes[key].params,
    );
    const m = zerosLike(sn.params);
    const v = zerosLike(sn.params);
    const cut = (pairs: { id: number; prompt: string; target: string }[]) => buildSubBatches(model.tokenizer, pairs, { subBatch: 2 });
    let chunked = false;
    for (let step = 0; step < 2; step++) {
      const tuples = order.slice(3 * step, 3 * step + 3).map((i) => data[i]);
      // cache
      const caps: ModuleCapture[][] = [];
      for (const sb of cut(editPairs(tuples))) caps.push((await rt.capture(sb, MODULES)).modules);
      mergeInto(sn.norm, caps);
      // predict_param_shifts
      const shifts = MODULES.map((name, idx) => {
        const mine = caps.flat().filter((c) => c.module === name);
        const rows = mine.reduce((a, c) => a + c.rows, 0);
        chunked ||= rows > SETTINGS.netBatch && rows % SETTINGS.netBatch !== 0;
        const keys = Float64Array.from(mine.flatMap((c) => Array.from(c.keys)));
        const vg = Float64Array.from(mine.flatMap((c) => Array.from(c.grads)));
        return { name, keys, vg, pred: predictMalmenShift(sn.params, sn.shape, sn.norm, keys, vg, rows, idx, SETTINGS.netBatch) };
      });
      const moduleGrad = await editLocalityModuleGrads(rt, weightOf, shifts, tuples, cut, SETTINGS.locCoef);
      // update_hypernet(param_shifts, update=True): backward, clip_grad_norm_, opt.step(), opt.zero_grad()
      const grads = { [key]: zerosLike(sn.params) };
      for (const x of shifts) malmenBackward(sn.params, sn.shape, sn.norm, x.pred, x.keys, x.vg, moduleGrad.get(x.name)!, grads[key]);
      clipGradNorm(grads, SETTINGS.maxGradNorm);
      paramArrays(sn.params).forEach(([, y], i) =>
        adamStep(y, paramArrays(grads[key])[i][1], paramArrays(m)[i][1], paramArrays(v)[i][1], step + 1, SETTINGS.metaLr),
      );
    }
    expect(chunked).toBe(true);
    const got = paramArrays(trainer.net.shapes[key].params);
    paramArrays(sn.params).forEach(([name, want], i) => {
      let err = 0;
      let step = 0;
      for (let q = 0; q < want.length; q++) {
        err = Math.max(err, Math.abs(got[i][1][q] - want[q]));
        step = Math.max(step, Math.abs(want[q] - initial[i][1][q]));
      }
      if (name === 'lamda') expect(step, 'λ moved').toBeGreaterThan(0);
      if (step === 0) expect(err, name).toBe(0);
      else expect(err / step, name).toBeLessThanOrEqual(1e-9);
    });
    expect(trainer.logs.map((l) => [l.updated, l.regLoss])).toEqual([
      [true, 0],
      [true, 0],
    ]);
  });

  it('saved after a step and resumed: the same network bytes as uninterrupted (Adam’s moments and step count in the checkpoint)', async () => {
    const model = await tiny();
    const settings = SETTINGS;
    const io = { tokenizer: model.tokenizer, records: records(6), modules: MODULES, nEdits: 2, subBatch: 2 };
    const straight = new RLEditTrainer(settings, { ...io, runtime: await createCpuRuntime(model) });
    while (!straight.done) await straight.step();

    const first = new RLEditTrainer(settings, { ...io, runtime: await createCpuRuntime(model) });
    await first.step();
    const bytes = pack(await first.save());
    const resumed = new RLEditTrainer(settings, { ...io, runtime: await createCpuRuntime(model) });
    await resumed.load(unpack<TrainerCheckpoint>(bytes));
    while (!resumed.done) await resumed.step();
    expect(pack((await resumed.save()).params)).toEqual(pack((await straight.save()).params));
    expect(pack((await resumed.save()).norms)).toEqual(pack((await straight.save()).norms));
    expect(resumed.logs.map((l) => [l.genLoss, l.locLoss])).toEqual(straight.logs.map((l) => [l.genLoss, l.locLoss]));
  });
});

describe('MALMEN editor', () => {
  it('a turn = normalizer merges in order + predictMalmenShift of the stacked answer-token rows', async () => {
    const model = await tiny();
    const rt = await createCpuRuntime(model);
    const net = createNetwork(
      MODULES.map((n) => rt.modules.find((m) => m.name === n)!),
      SETTINGS,
    );
    const editor = new RLEditEditor(net);
    expect(editor.captureAllTokens).toBe(false);
    const caps: ModuleCapture[][] = [];
    for (const sb of buildSubBatches(model.tokenizer, editPairs(records(5)), { subBatch: 2 }))
      caps.push((await rt.capture(sb, MODULES)).modules);
    const r = editor.turn({ subBatches: caps });
    const sn = net.shapes[Object.keys(net.shapes)[0]];
    const norm = emptyRunningMoments(sn.shape.dIn + sn.shape.dOut);
    mergeInto(norm, caps);
    MODULES.forEach((name, idx) => {
      const mine = caps.flat().filter((c) => c.module === name);
      const rows = mine.reduce((s, c) => s + c.rows, 0);
      const want = predictMalmenShift(
        sn.params,
        sn.shape,
        norm,
        mine.flatMap((c) => Array.from(c.keys)),
        mine.flatMap((c) => Array.from(c.grads)),
        rows,
        idx,
        SETTINGS.netBatch,
      ).shift;
      expect(Array.from(r.deltas.get(name)!.delta)).toEqual(Array.from(Float32Array.from(want)));
    });
  });
});
