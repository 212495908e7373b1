/**
 * MEMIT and AlphaEdit through the run loop on a tiny llama: a turn moves the edited answers' loss
 * down, a killed run resumes from its checkpoint to the same weights and numbers (AlphaEdit's
 * accumulated keys included), and a record without a subject stops the run naming it.
 */
import { describe, expect, it } from 'vitest';
import { memoryFolder } from '../../io/memory';
import { tinyCheckpoint } from '../../model/generate-tiny';
import { loadModel, type LoadedModel } from '../../model/load';
import { editableModuleName } from '../../model/modules';
import { createCpuRuntime } from '../../runtime/cpu-runtime';
import { MemoryStore } from '../../run/checkpoint-store';
import { DEFAULT_RUN, type RunConfig } from '../../run/config';
import { LifelongRun } from '../../run/lifelong-run';
import { buildSubBatches, editPairs } from '../../run/batching';
import type { EditRecord } from '../../types';
import type { ModelRuntime } from '../../runtime/runtime';

const SUBJECTS = ['France', 'Germany', 'Italy', 'London', 'Paris', 'Berlin', 'Rome', 'York'];
const ANSWERS = ['minister', 'goalkeeper', 'brothers', 'English', 'Danish', 'French', 'Thames', 'opera'];

function edits(n: number, withSubject = true): EditRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    index: i,
    prompt: `The capital of ${SUBJECTS[i % SUBJECTS.length]} is the`,
    answer: ANSWERS[(i * 3 + 1) % ANSWERS.length],
    locPrompt: `The river of ${SUBJECTS[(i + 1) % SUBJECTS.length]} is the`,
    locAnswer: 'Thames',
    ...(withSubject ? { subject: SUBJECTS[i % SUBJECTS.length] } : {}),
  }));
}

async function tiny(): Promise<LoadedModel> {
  return loadModel(
    memoryFolder('tiny-llama', tinyCheckpoint({ arch: 'llama', seed: 5, hidden: 32, layers: 3, heads: 4, kvHeads: 2, intermediate: 48 })),
  );
}

const CORPUS = Array.from(
  { length: 40 },
  (_, i) => `The ${SUBJECTS[i % 8]} of ${SUBJECTS[(i * 3) % 8]} is ${ANSWERS[i % 8]} and ${ANSWERS[(i + 5) % 8]}`,
);

const config = (editor: string, over: Partial<RunConfig> = {}): RunConfig => ({
  ...DEFAULT_RUN,
  editor,
  modules: ['model.layers.0.mlp.down_proj', 'model.layers.1.mlp.down_proj'],
  nEdits: 4,
  subBatch: 2,
  sampleEvery: 0,
  checkpointEvery: 0,
  immediateEval: false,
  finalEval: false,
  // λ and the step count scaled to a 40-text corpus and a 32-wide model; threshold so P keeps a few directions.
  locate: { steps: 5, mom2Weight: 1, nullspaceThreshold: 5e-2, l2: 1 },
  ...over,
});

async function meanLoss(runtime: ModelRuntime, m: LoadedModel, records: EditRecord[]) {
  const sbs = buildSubBatches(m.tokenizer, editPairs(records), { subBatch: records.length });
  return (await runtime.capture(sbs[0], ['model.layers.0.mlp.down_proj'])).loss;
}

describe.each(['memit', 'alphaedit'])('%s through the run loop (tiny llama)', (editor) => {
  it('one turn lowers the edited answers’ loss; a resumed run ends with the same weights as an uninterrupted one', async () => {
    const m = await tiny();
    const records = edits(8);
    const a = await createCpuRuntime(m, { backend: 'native' });
    const before = await meanLoss(a, m, records.slice(0, 4));
    const full = await LifelongRun.open(config(editor), { runtime: a, tokenizer: m.tokenizer, target: records, corpus: CORPUS });
    await full.step();
    const after = await meanLoss(a, m, records.slice(0, 4));
    expect(after).toBeLessThan(before - 0.05);
    while (!full.done) await full.step();

    const store = new MemoryStore();
    const b = await createCpuRuntime(m, { backend: 'native' });
    const first = await LifelongRun.open(config(editor, { checkpointEvery: 1 }), {
      runtime: b,
      tokenizer: m.tokenizer,
      target: records,
      corpus: CORPUS,
      store,
    });
    await first.step();
    const c = await createCpuRuntime(m, { backend: 'native' });
    const resumed = await LifelongRun.open(config(editor, { checkpointEvery: 1 }), {
      runtime: c,
      tokenizer: m.tokenizer,
      target: records,
      corpus: CORPUS,
      store,
    });
    expect(resumed.stepIndex).toBe(1);
    while (!resumed.done) await resumed.step();
    const [wa, wc] = [await a.weights(), await c.weights()];
    for (const name of ['model.layers.0.mlp.down_proj.weight', 'model.layers.1.mlp.down_proj.weight'])
      expect(Buffer.from(wc.get(name)!.data.buffer).equals(Buffer.from(wa.get(name)!.data.buffer)), name).toBe(true);
    const norms = (r: LifelongRun) => r.turns.map((t) => t.diagnostics.modules.map((x) => [x.deltaNorm, x.cosinePrev]));
    expect(norms(resumed)).toEqual(norms(full));
    for (const r of [a, b, c]) await r.dispose();
  });
});

// The newer families (GPT-J's parallel block, Gemma's post-feedforward norm, Phi-3's fused projections):
// the editors find the subject and the edited module by the family's names and a turn moves the loss.
// One editor per family in `npm test`; ALL_EDITOR_FAMILIES=1 runs both on every family.
const PAIRS = [
  ['memit', 'gptj'],
  ['alphaedit', 'qwen3'],
  ['memit', 'gemma2'],
  ['alphaedit', 'gemma3_text'],
  ['memit', 'phi3'],
] as const;
const ALL = PAIRS.flatMap(([e, a]) => [[e, a] as const, [e === 'memit' ? 'alphaedit' : 'memit', a] as const]);
describe.each(process.env.ALL_EDITOR_FAMILIES ? ALL : PAIRS)('%s on a tiny %s', (editor, arch) => {
  it('one turn lowers the edited answers’ loss at the family’s edited modules', async () => {
    const m = await loadModel(
      memoryFolder(`tiny-${arch}`, tinyCheckpoint({ arch, seed: 5, hidden: 32, layers: 3, heads: 4, kvHeads: 2, intermediate: 48 })),
    );
    const modules = [0, 1].map((l) => editableModuleName(m.spec, l));
    const records = edits(4);
    const rt = await createCpuRuntime(m, { backend: 'native' });
    const sbs = buildSubBatches(m.tokenizer, editPairs(records), { subBatch: records.length });
    const before = (await rt.capture(sbs[0], [modules[0]])).loss;
    const w0 = new Map([...(await rt.weights())].map(([n, t]) => [n, Float32Array.from(t.data)]));
    const run = await LifelongRun.open(config(editor, { modules, nEdits: 4, subBatch: 4 }), {
      runtime: rt,
      tokenizer: m.tokenizer,
      target: records,
      corpus: CORPUS,
    });
    await run.step();
    expect(run.error).toBeNull();
    const after = (await rt.capture(sbs[0], [modules[0]])).loss;
    // Only the two edited modules change.
    for (const [n, t] of await rt.weights())
      expect(Buffer.from(t.data.buffer).equals(Buffer.from(w0.get(n)!.buffer)), n).toBe(!modules.includes(n.replace(/\.weight$/, '')));
    if (m.spec.sandwichNorms) {
      // Gemma's MLP output joins the residual through post_feedforward_layernorm, which MEMIT's closed
      // form (a change of the module output equal to z − current) does not see: on a random tiny model
      // whose MLP outputs are small next to z − current, the norm rescales the change away, so a lower
      // loss is not guaranteed here (docs/design.md §7); the turn must still run and stay finite.
      expect(Number.isFinite(after)).toBe(true);
    } else expect(after).toBeLessThan(before - 0.05);
    await rt.dispose();
  });
});

describe('locate-then-edit input errors', () => {
  it('a record without a subject is refused before any work, naming the record and the layouts that have one', async () => {
    const m = await tiny();
    const runtime = await createCpuRuntime(m, { backend: 'native' });
    await expect(
      LifelongRun.open(config('memit'), { runtime, tokenizer: m.tokenizer, target: edits(4, false), corpus: CORPUS }),
    ).rejects.toThrow(/the edit stream: record 0: has no subject.*WikiBigEdit.*FEVER and UltraEditBench have none/);
    await runtime.dispose();
  });

  it('a turn that fails after writing one layer leaves every weight as it was', async () => {
    const m = await tiny();
    const inner = await createCpuRuntime(m, { backend: 'native' });
    let started = false;
    const runtime: ModelRuntime = Object.assign(Object.create(inner), {
      lookup: (...args: Parameters<ModelRuntime['lookup']>) => {
        if (started && args[2][0] === 'model.layers.1.mlp.down_proj') throw new Error('lookup failed');
        return inner.lookup(...args);
      },
    });
    const run = await LifelongRun.open(config('memit'), { runtime, tokenizer: m.tokenizer, target: edits(4), corpus: CORPUS });
    const before = Float32Array.from((await inner.weights()).get('model.layers.0.mlp.down_proj.weight')!.data);
    started = true;
    await run.step();
    expect(run.error).toMatch(/lookup failed/);
    const after = (await inner.weights()).get('model.layers.0.mlp.down_proj.weight')!.data;
    expect(Buffer.from(after.buffer).equals(Buffer.from(before.buffer))).toBe(true);
    await inner.dispose();
  });

  it('no corpus for the key statistics is refused before anything runs', async () => {
    const m = await tiny();
    const runtime = await createCpuRuntime(m, { backend: 'native' });
    await expect(LifelongRun.open(config('alphaedit'), { runtime, tokenizer: m.tokenizer, target: edits(4) })).rejects.toThrow(
      /editor alphaedit: needs a text corpus/,
    );
    await runtime.dispose();
  });
});
