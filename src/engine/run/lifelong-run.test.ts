import { describe, expect, it } from 'vitest';
import { tinyCheckpoint } from '../model/generate-tiny';
import { nodeFile, nodeFolder } from '../io/node-files';
import { loadDataset } from '../data/dataset';
import { memoryFolder } from '../io/memory';
import { loadModel, type LoadedModel } from '../model/load';
import { createCpuRuntime } from '../runtime/cpu-runtime';
import type { ModelRuntime } from '../runtime/runtime';
import type { EditRecord } from '../types';
import { DEFAULT_RUN, type RunConfig } from './config';
import { LifelongRun } from './lifelong-run';
import { MemoryStore } from './checkpoint-store';
import type { RunEvent } from './events';
import { evaluate } from '../eval/evaluate';

const SUBJECTS = [
  'France',
  'Germany',
  'Italy',
  'the city',
  'the river',
  'the company',
  'the author',
  'the opera',
  'the novel',
  'the bridge',
  'the country',
  'the writer',
];
const ANSWERS = [
  'Paris',
  'Berlin',
  'Rome',
  'London',
  'Danish',
  'English',
  'French',
  'Thames',
  'York',
  'minister',
  'goalkeeper',
  'brothers',
];

/** Edits on the tiny model's own vocabulary: prompt → an answer it does not predict yet. */
function edits(n: number): EditRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    index: i,
    prompt: `The capital of ${SUBJECTS[i % SUBJECTS.length]} is`,
    answer: ANSWERS[(i * 5 + 3) % ANSWERS.length],
    rephrase: `What is the capital of ${SUBJECTS[i % SUBJECTS.length]}? The capital is`,
    locPrompt: `The river that runs through ${SUBJECTS[(i + 1) % SUBJECTS.length]} is the`,
    locAnswer: 'Thames',
  }));
}

async function tinyLlama(): Promise<LoadedModel> {
  const files = tinyCheckpoint({ arch: 'llama', seed: 3, hidden: 32, layers: 2, heads: 4, kvHeads: 2, intermediate: 64 });
  return loadModel(memoryFolder('tiny-llama', files));
}

const config = (over: Partial<RunConfig>): RunConfig => ({
  ...DEFAULT_RUN,
  editor: 'ultraedit',
  lr: 2e-2,
  ridge: 1,
  modules: ['model.layers.1.mlp.down_proj'],
  nEdits: 4,
  subBatch: 2,
  sampleEvery: 0,
  checkpointEvery: 0,
  ...over,
});

async function drive(run: LifelongRun, steps = Infinity) {
  for (let i = 0; i < steps && !run.done; i++) await run.step();
}

describe('lifelong run on a tiny llama (CPU runtime)', () => {
  it('raises efficacy on the demo model far above its pre-edit value; no-ln under-fits with collapsed updates', async () => {
    const model = await loadModel(nodeFolder('public/demo/model'));
    const { records } = await loadDataset(nodeFile('public/demo/data/edits.eval.json'));
    const results: Record<string, { pre: number; post: number; norm: number; spe: number }> = {};
    for (const [editor, lr, ridge] of [
      ['ultraedit', 3e-3, 1],
      ['stableedit', 5e-3, 10],
      ['no-ln', 1e-2, 10],
    ] as const) {
      const runtime = await createCpuRuntime(model);
      const cfg = config({
        editor,
        lr,
        ridge,
        turns: 3,
        nEdits: 20,
        subBatch: 10,
        modules: ['model.layers.2.mlp.down_proj', 'model.layers.3.mlp.down_proj'],
      });
      const run = await LifelongRun.open(cfg, { runtime, tokenizer: model.tokenizer, target: records });
      await drive(run);
      const report = await run.finish();
      const norms = run.turns.flatMap((t) => t.diagnostics.modules.map((m) => m.deltaNorm!));
      expect(norms.every(Number.isFinite)).toBe(true);
      results[editor] = {
        pre: report.preEdit!.metrics.efficacy!.tokenAccuracy,
        post: report.final.metrics.efficacy!.tokenAccuracy,
        spe: report.final.metrics.specificity!.tokenAccuracy,
        norm: Math.max(...norms),
      };
      await runtime.dispose();
    }
    // Counterfactual edits: the trained model starts near 0 (measured 0.1% over the 1000-edit stream).
    for (const r of Object.values(results)) expect(r.pre).toBeLessThan(0.05);
    // Measured: ultraedit 0.67, stableedit 0.60, no-ln 0.00 efficacy after 60 edits (final protocol).
    expect(results.ultraedit.post).toBeGreaterThan(0.4);
    expect(results.stableedit.post).toBeGreaterThan(0.4);
    // Paper §5.4 / App. B.6.2: without LN the update norms collapse and the edits do not take.
    expect(results['no-ln'].norm).toBeLessThan(results.ultraedit.norm / 20);
    expect(results['no-ln'].post).toBeLessThan(0.05);
    expect(results['no-ln'].spe).toBeGreaterThan(0.95);
  });

  it('resumes after a kill with exactly the numbers of an uninterrupted run', async () => {
    const model = await tinyLlama();
    const cfg = config({ editor: 'stableedit', turns: 4, checkpointEvery: 1, finalEval: false, immediateEval: true });

    const fresh = await createCpuRuntime(model);
    const whole = await LifelongRun.open(cfg, { runtime: fresh, tokenizer: model.tokenizer, target: edits(16), store: new MemoryStore() });
    await drive(whole);

    const store = new MemoryStore();
    const first = await createCpuRuntime(model);
    const killed = await LifelongRun.open(cfg, { runtime: first, tokenizer: model.tokenizer, target: edits(16), store });
    await drive(killed, 2); // the process dies here; only the store survives
    const second = await createCpuRuntime(await tinyLlama());
    const events: RunEvent[] = [];
    const resumed = await LifelongRun.open(cfg, {
      runtime: second,
      tokenizer: model.tokenizer,
      target: edits(16),
      store,
      emit: (e) => events.push(e),
    });
    expect(events[0]).toMatchObject({ type: 'started', resumedFrom: 2 });
    await drive(resumed);

    const strip = (t: (typeof whole.turns)[number]) => ({
      ...t,
      wallMs: 0,
      timings: null,
      diagnostics: { ...t.diagnostics, modules: t.diagnostics.modules.map((m) => ({ ...m, timeMs: null })) },
    });
    expect(resumed.turns.map(strip)).toEqual(whole.turns.map(strip));
    const a = (await fresh.weights()).get('model.layers.1.mlp.down_proj.weight')!.data;
    const b = (await second.weights()).get('model.layers.1.mlp.down_proj.weight')!.data;
    expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
  });

  it('scores the final evaluation in chunks with progress; a kill after a chunk resumes there to the same report', async () => {
    const model = await tinyLlama();
    const cfg = config({ editor: 'stableedit', turns: 4, checkpointEvery: 1, finalEval: true, immediateEval: false });
    const target = edits(16);
    const open = async (over: Partial<RunConfig>, store: MemoryStore, emit?: (e: RunEvent) => void) =>
      LifelongRun.open({ ...cfg, ...over }, { runtime: await createCpuRuntime(model), tokenizer: model.tokenizer, target, store, emit });

    // One chunk (the default 1000 ≥ 16 records): exactly evaluate()'s numbers on the edited model.
    const oneChunk = await open({}, new MemoryStore());
    await drive(oneChunk);
    const single = await oneChunk.finish();
    const direct = await evaluate(oneChunk['io'].runtime, model.tokenizer, target, { baseline: oneChunk.preEditScores! });
    expect(single.final.metrics).toEqual(direct.metrics);
    expect(single.final.specificityAgreement).toEqual(direct.specificityAgreement);

    // Chunks of 5 records (5, 5, 5, 1): progress after each; the same numbers up to the order of the sums.
    const events: RunEvent[] = [];
    const whole = await open({ evalChunk: 5 }, new MemoryStore(), (e) => events.push(e));
    await drive(whole);
    const chunked = await whole.finish();
    const finalProgress = events.filter((e) => e.type === 'progress' && e.what === 'scoring every edit after the last turn (records)');
    expect(finalProgress.map((e) => (e as { done: number }).done)).toEqual([0, 5, 10, 15, 16]);
    expect(finalProgress.slice(1).every((e) => Number.isFinite((e as { etaSeconds?: number }).etaSeconds))).toBe(true);
    for (const [kind, m] of Object.entries(single.final.metrics)) {
      const c = chunked.final.metrics[kind as keyof typeof single.final.metrics]!;
      expect(c.records).toBe(m.records);
      expect(c.tokenAccuracy).toBeCloseTo(m.tokenAccuracy, 12);
      expect(c.exactMatch).toBeCloseTo(m.exactMatch, 12);
    }

    // Killed right after the checkpoint of the final evaluation's first chunk: resumed at record 5.
    const store = new MemoryStore();
    const killed = await open({ evalChunk: 5 }, store, (e) => {
      if (e.type === 'checkpoint' && e.step === killed.schedule.length) throw new Error('killed');
    });
    await drive(killed);
    await expect(killed.finish()).rejects.toThrow('killed');
    const resumed = await open({ evalChunk: 5 }, store);
    expect(resumed.finalEvaluationResumedAt).toBe(5);
    const report = await resumed.finish();
    expect(report.final).toEqual(chunked.final);
    expect(report.preEdit).toEqual(chunked.preEdit);
    expect([...resumed.finalEditScores!]).toEqual([...whole.finalEditScores!]);
    expect(await store.read('checkpoint.bin')).toBeNull();
  });

  it('stops a turn with NaN value gradients, naming module and turn, and changes no weight', async () => {
    const model = await tinyLlama();
    const runtime = await createCpuRuntime(model);
    let calls = 0;
    // Fault injection: the second turn's first sub-batch comes back with a NaN gradient.
    const faulty: ModelRuntime = Object.assign(Object.create(runtime), {
      capture: async (...args: Parameters<ModelRuntime['capture']>) => {
        const c = await runtime.capture(...args);
        if (++calls === 3) c.modules[0].grads[5] = NaN;
        return c;
      },
    });
    const events: RunEvent[] = [];
    const run = await LifelongRun.open(config({ turns: 3, finalEval: false }), {
      runtime: faulty,
      tokenizer: model.tokenizer,
      target: edits(12),
      emit: (e) => events.push(e),
    });
    await drive(run, 1);
    const before = Float32Array.from((await runtime.weights()).get('model.layers.1.mlp.down_proj.weight')!.data);
    await drive(run);
    expect(run.done).toBe(true);
    expect(run.turns).toHaveLength(1);
    const err = events.find((e) => e.type === 'error');
    expect(err).toBeDefined();
    expect(JSON.stringify(err)).toMatch(/model\.layers\.1\.mlp\.down_proj/);
    expect(JSON.stringify(err)).toMatch(/target turn 1/);
    const after = (await runtime.weights()).get('model.layers.1.mlp.down_proj.weight')!.data;
    expect(Array.from(after)).toEqual(Array.from(before));
    await expect(run.finish()).rejects.toThrow(/NaN|non-finite/i);
  });
});
