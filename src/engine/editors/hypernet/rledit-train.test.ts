/**
 * RLEdit's meta-training and editing on a tiny llama, through the runtime:
 *
 * - a trajectory against a transcription of the reference's RLEDIT.train loop (edit_model(+), the
 *   reversed history up to back_depth, the equivalence backward, edit_model(−), the locality loop with
 *   its reference logits before the shift, edit_model(+), update_hypernet with clip_grad_norm_, one
 *   Adam step at the end), written here with the same runtime calls and the network math of
 *   rledit-edit.ts (held to torch by rledit-reference.test.ts): the trained parameters agree ≤ 1e-9;
 * - a training saved after one step and resumed reproduces the uninterrupted one bit for bit;
 * - the run-time editor's turn is the normalizer merge plus predictShift of the stacked captures, and
 *   its state round-trips.
 */
import { describe, expect, it } from 'vitest';
import { createCpuRuntime } from '../../runtime/cpu-runtime';
import { buildSubBatches, editPairs } from '../../run/batching';
import { emptyRunningMoments } from '../../linalg/chan';
import { adamStep } from '../../util/adam';
import { pack, unpack } from '../../util/pack';
import type { EditRecord, ModuleCapture } from '../../types';
import { predictShift, shiftBackward } from './rledit-edit';
import { mendBackward, predictMendShift } from './mend-edit';
import { paramArrays, zerosLike } from './rledit-net';
import { createNetwork } from './rledit-network';
import { rleditSettings } from './rledit-settings';
import { RLEditEditor } from './rledit-editor';
import { RLEditTrainer, type TrainerCheckpoint } from './rledit-train';
import { editLocalityModuleGrads, mergeInto, MODULES, records, tiny } from './train-fixture';

// Small network, a learning rate that moves the model, and every part of the loss switched on.
const SETTINGS = rleditSettings({ rank: 6, nBlocks: 2, lr: 2e-3, metaLr: 1e-2, backDepth: 2, regCoef: 1e-2, maxGradNorm: 0.05, seed: 3 });

describe('RLEdit meta-training', () => {
  it('a 3-turn trajectory = the transcription of the reference loop (parameters ≤ 1e-9 relative)', async () => {
    const model = await tiny();
    const data = records(9);
    const io = { tokenizer: model.tokenizer, records: data, modules: MODULES, nEdits: 3, subBatch: 2 };
    const trainer = new RLEditTrainer(SETTINGS, { ...io, runtime: await createCpuRuntime(model) });
    const order = (await trainer.save()).order;
    while (!trainer.done) await trainer.step();

    // The transcription.
    const rt = await createCpuRuntime(model);
    const net = createNetwork(
      MODULES.map((n) => rt.modules.find((m) => m.name === n)!),
      SETTINGS,
    );
    const key = Object.keys(net.shapes)[0];
    const sn = net.shapes[key];
    const grads = zerosLike(sn.params);
    const turns = [0, 1, 2].map((t) => order.slice(3 * t, 3 * t + 3).map((i) => data[i]));
    const cut = (pairs: { id: number; prompt: string; target: string }[]) => buildSubBatches(model.tokenizer, pairs, { subBatch: 2 });
    const equiv = (rs: EditRecord[]) => cut(rs.map((r) => ({ id: r.index, prompt: r.rephrase!, target: r.answer })));
    const unrel = (rs: EditRecord[]) => cut(rs.map((r) => ({ id: r.index, prompt: r.locPrompt!, target: r.locAnswer! })));
    const sequence: EditRecord[][] = [];
    const weightOf = (n: string) => rt.modules.find((m) => m.name === n)!.weight;
    for (const tuples of turns) {
      sequence.push(tuples);
      // cache
      const caps: ModuleCapture[][] = [];
      for (const sb of cut(editPairs(tuples))) caps.push((await rt.capture(sb, MODULES)).modules);
      mergeInto(sn.norm, caps);
      // predict_param_shifts
      const stacked = MODULES.map((name, idx) => {
        const mine = caps.flat().filter((c) => c.module === name);
        const rows = mine.reduce((s, c) => s + c.rows, 0);
        const keys = Float64Array.from(mine.flatMap((c) => Array.from(c.keys)));
        const vg = Float64Array.from(mine.flatMap((c) => Array.from(c.grads)));
        return { name, keys, pred: predictShift(sn.params, sn.shape, sn.norm, keys, vg, rows, idx) };
      });
      const moduleGrad = new Map(MODULES.map((n) => [n, new Float64Array(stacked[0].pred.shift.length)]));
      const add = (g: Map<string, Float64Array>, w: number) => g.forEach((x, n) => x.forEach((v, i) => (moduleGrad.get(n)![i] += w * v)));
      const pre = new Map<string, Float32Array>();
      for (const n of MODULES) pre.set(n, Float32Array.from((await rt.weight(weightOf(n))).data));
      const edit = async (on: boolean) => {
        for (const s of stacked) {
          await rt.setWeight(weightOf(s.name), pre.get(s.name)!);
          if (on) await rt.applyDelta(s.name, Float32Array.from(s.pred.shift));
        }
      };
      await edit(true);
      const history = [...sequence].reverse();
      for (let back = 0; back < history.length; back++) {
        for (const t of equiv(history[back])) add((await rt.lossGradient(t, MODULES)).grads, SETTINGS.timeDecay ** back);
        if (back + 1 >= SETTINGS.backDepth) break;
      }
      await edit(false);
      for (let back = 0; back < history.length; back++) {
        for (const t of unrel(history[back])) {
          const refer = await rt.labelLogprobs(t);
          await edit(true);
          add((await rt.lossGradient(t, MODULES, refer)).grads, SETTINGS.locCoef * SETTINGS.timeDecay ** back);
          await edit(false);
        }
        if (back + 1 >= SETTINGS.backDepth) break;
      }
      await edit(true);
      // update_hypernet (the L2 term's gradient 2·reg·ΔW on the module gradient, docs/design.md §8)
      for (const s of stacked) {
        const g = moduleGrad.get(s.name)!;
        s.pred.shift.forEach((v, i) => (g[i] += 2 * SETTINGS.regCoef * v));
        shiftBackward(sn.params, sn.shape, s.pred, s.keys, g, grads);
      }
      const total = Math.sqrt(paramArrays(grads).reduce((a, [, x]) => a + x.reduce((b, v) => b + v * v, 0), 0));
      const coef = Math.min(1, SETTINGS.maxGradNorm / (total + 1e-6));
      for (const [, x] of paramArrays(grads)) for (let i = 0; i < x.length; i++) x[i] *= coef;
    }
    const m = zerosLike(sn.params);
    const v = zerosLike(sn.params);
    paramArrays(sn.params).forEach(([, x], i) =>
      adamStep(x, paramArrays(grads)[i][1], paramArrays(m)[i][1], paramArrays(v)[i][1], 1, SETTINGS.metaLr),
    );

    const got = paramArrays(trainer.net.shapes[key].params);
    const moved = paramArrays(
      createNetwork(
        MODULES.map((n) => rt.modules.find((x) => x.name === n)!),
        SETTINGS,
      ).shapes[key].params,
    );
    paramArrays(sn.params).forEach(([name, want], i) => {
      const g = got[i][1];
      let err = 0;
      let step = 0;
      for (let q = 0; q < want.length; q++) {
        err = Math.max(err, Math.abs(g[q] - want[q]));
        step = Math.max(step, Math.abs(want[q] - moved[i][1][q]));
      }
      // At the initialisation (B = 0, so u = 0) A and scale get no gradient: they must not move at all.
      if (name.endsWith('.A') || name.endsWith('.scale.weight')) expect(err, name).toBe(0);
      else expect(step, `${name} moved`).toBeGreaterThan(0);
      if (step > 0) expect(err / step, name).toBeLessThanOrEqual(1e-9);
    });
    expect(trainer.logs.map((l) => l.updated)).toEqual([false, false, true]);
  });

  it('saved after one step and resumed: the same network bytes as uninterrupted (2 epochs, Adam every 2 turns)', async () => {
    const model = await tiny();
    const settings = { ...SETTINGS, epochs: 2, updateEvery: 2 };
    const io = { tokenizer: model.tokenizer, records: records(9), modules: MODULES, nEdits: 3, subBatch: 2 };
    const straight = new RLEditTrainer(settings, { ...io, runtime: await createCpuRuntime(model) });
    while (!straight.done) await straight.step();

    const first = new RLEditTrainer(settings, { ...io, runtime: await createCpuRuntime(model) });
    for (let i = 0; i < 4; i++) await first.step(); // past the epoch boundary and an Adam step
    const bytes = pack(await first.save());
    const resumed = new RLEditTrainer(settings, { ...io, runtime: await createCpuRuntime(model) });
    await resumed.load(unpack<TrainerCheckpoint>(bytes));
    while (!resumed.done) await resumed.step();
    expect(pack((await resumed.save()).params)).toEqual(pack((await straight.save()).params));
    expect(pack((await resumed.save()).norms)).toEqual(pack((await straight.save()).norms));
    expect(resumed.logs.map((l) => [l.genLoss, l.locLoss])).toEqual(straight.logs.map((l) => [l.genLoss, l.locLoss]));
  });
});

describe('MEND meta-training', () => {
  it('two steps = the transcription of the reference BaseEditor.train (every token captured, Adam every step, the model left unedited) ≤ 1e-9', async () => {
    const model = await tiny();
    const data = records(6);
    const settings = rleditSettings({ editor: 'mend', rank: 6, nBlocks: 2, lr: 2e-3, metaLr: 1e-2, maxGradNorm: 0.05, seed: 4 });
    const rtTrainer = await createCpuRuntime(model);
    const trainer = new RLEditTrainer(settings, {
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
    for (const n of MODULES) expect(rtTrainer.changedWeights()).not.toContain(weightOf(n)); // reset after the epoch

    const rt = await createCpuRuntime(model);
    const net = createNetwork(
      MODULES.map((n) => rt.modules.find((m) => m.name === n)!),
      settings,
    );
    const key = Object.keys(net.shapes)[0];
    const sn = net.shapes[key];
    const m = zerosLike(sn.params);
    const v = zerosLike(sn.params);
    const cut = (pairs: { id: number; prompt: string; target: string }[]) => buildSubBatches(model.tokenizer, pairs, { subBatch: 2 });
    for (let step = 0; step < 2; step++) {
      const tuples = order.slice(3 * step, 3 * step + 3).map((i) => data[i]);
      const caps: ModuleCapture[][] = [];
      for (const sb of cut(editPairs(tuples))) caps.push((await rt.capture(sb, MODULES, { allTokens: true })).modules);
      mergeInto(sn.norm, caps);
      const shifts = MODULES.map((name, idx) => {
        const mine = caps.flat().filter((c) => c.module === name);
        const rows = mine.reduce((a, c) => a + c.rows, 0);
        return {
          name,
          pred: predictMendShift(
            sn.params,
            sn.shape,
            sn.norm,
            mine.flatMap((c) => Array.from(c.keys)),
            mine.flatMap((c) => Array.from(c.grads)),
            rows,
            idx,
          ),
        };
      });
      const moduleGrad = await editLocalityModuleGrads(rt, weightOf, shifts, tuples, cut, settings.locCoef);
      // update_hypernet: opt.zero_grad(), backward, clip_grad_norm_, opt.step()
      const grads = zerosLike(sn.params);
      for (const x of shifts) mendBackward(sn.params, sn.shape, x.pred, moduleGrad.get(x.name)!, grads);
      const total = Math.sqrt(paramArrays(grads).reduce((a, [, y]) => a + y.reduce((b, w) => b + w * w, 0), 0));
      const coef = Math.min(1, settings.maxGradNorm / (total + 1e-6));
      for (const [, y] of paramArrays(grads)) for (let i = 0; i < y.length; i++) y[i] *= coef;
      paramArrays(sn.params).forEach(([, y], i) =>
        adamStep(y, paramArrays(grads)[i][1], paramArrays(m)[i][1], paramArrays(v)[i][1], step + 1, settings.metaLr),
      );
    }
    const got = paramArrays(trainer.net.shapes[key].params);
    paramArrays(sn.params).forEach(([name, want], i) => {
      let err = 0;
      let size = 0;
      for (let q = 0; q < want.length; q++) {
        err = Math.max(err, Math.abs(got[i][1][q] - want[q]));
        size = Math.max(size, Math.abs(want[q]));
      }
      if (size === 0)
        expect(err, name).toBe(0); // λ: no gradient in MEND, never moves
      else expect(err / size, name).toBeLessThanOrEqual(1e-9);
    });
    expect(trainer.logs.map((l) => l.updated)).toEqual([true, true]);
  });
});

describe('RLEdit editor', () => {
  it('a turn = normalizer merges in order + predictShift of the stacked rows; state round-trips', async () => {
    const model = await tiny();
    const rt = await createCpuRuntime(model);
    const net = createNetwork(
      MODULES.map((n) => rt.modules.find((m) => m.name === n)!),
      SETTINGS,
    );
    const caps: ModuleCapture[][] = [];
    for (const sb of buildSubBatches(model.tokenizer, editPairs(records(5)), { subBatch: 2 }))
      caps.push((await rt.capture(sb, MODULES)).modules);
    const editor = new RLEditEditor(net);
    const r = editor.turn({ subBatches: caps });

    const key = Object.keys(net.shapes)[0];
    const sn = net.shapes[key];
    const norm = emptyRunningMoments(sn.shape.dIn + sn.shape.dOut);
    expect(sn.norm.n).toBe(0); // the network the caller holds is untouched
    mergeInto(norm, caps);
    MODULES.forEach((name, idx) => {
      const mine = caps.flat().filter((c) => c.module === name);
      const rows = mine.reduce((s, c) => s + c.rows, 0);
      const keys = mine.flatMap((c) => Array.from(c.keys));
      const vg = mine.flatMap((c) => Array.from(c.grads));
      const want = predictShift(sn.params, sn.shape, norm, keys, vg, rows, idx).shift;
      expect(Array.from(r.deltas.get(name)!.delta)).toEqual(Array.from(Float32Array.from(want)));
    });
    const state = editor.saveState();
    const again = new RLEditEditor(net);
    again.loadState(unpack(pack(state)));
    const next = await rt.capture(buildSubBatches(model.tokenizer, editPairs(records(2)), { subBatch: 2 })[0], MODULES);
    const [a, b] = [again.turn({ subBatches: [next.modules] }), editor.turn({ subBatches: [next.modules] })];
    expect(pack(a.deltas)).toEqual(pack(b.deltas));
    expect(a.diagnostics.modules.map((d) => d.cosinePrev)).toEqual(b.diagnostics.modules.map((d) => d.cosinePrev));
  });
});
