/**
 * The key second moment over a corpus: C = Σ kkᵀ / tokens over every token of every text, against the
 * float64 reference forward one text at a time; a pass cut short continues from its saved sums to the
 * same C, bit for bit; a finished pass is read from the cache without running the model.
 */
import { describe, expect, it } from 'vitest';
import { memoryFolder } from '../../io/memory';
import { tinyCheckpoint } from '../../model/generate-tiny';
import { loadModel } from '../../model/load';
import { referenceForward } from '../../reference/forward';
import { MemoryStore } from '../../run/checkpoint-store';
import { createCpuRuntime } from '../../runtime/cpu-runtime';
import type { ModelRuntime } from '../../runtime/runtime';
import { keySecondMoments } from './key-stats';

const WORDS = ['France', 'Germany', 'London', 'Paris', 'minister', 'goalkeeper', 'English', 'Thames', 'opera', 'river'];
const CORPUS = Array.from({ length: 23 }, (_, i) =>
  Array.from({ length: 3 + (i % 5) }, (_, j) => WORDS[(i * 7 + j * 3) % WORDS.length]).join(' '),
);
const MODULES = ['model.layers.0.mlp.down_proj', 'model.layers.1.mlp.down_proj'];

async function setup() {
  const m = await loadModel(
    memoryFolder('tiny-llama', tinyCheckpoint({ arch: 'llama', seed: 9, hidden: 16, layers: 2, heads: 2, kvHeads: 1, intermediate: 24 })),
  );
  return { m, runtime: await createCpuRuntime(m, { backend: 'native' }) };
}

describe('key second moments over a corpus', () => {
  it('equal Σ kkᵀ / tokens of the float64 reference forward over every token', async () => {
    const { m, runtime } = await setup();
    const got = await keySecondMoments(runtime, m.tokenizer, CORPUS, MODULES, { samples: 20, batch: 6 });
    for (const module of MODULES) {
      const d = runtime.modules.find((x) => x.name === module)!.dIn;
      const want = new Float64Array(d * d);
      let tokens = 0;
      for (const text of CORPUS.slice(0, 20)) {
        const ids = m.tokenizer.encode(text, true);
        const f = referenceForward(
          m.spec,
          m.weights,
          { batch: 1, seqLen: ids.length, inputIds: ids, attentionMask: ids.map(() => 1) },
          { capture: [module] },
        );
        const k = f.moduleInputs.get(module)!;
        for (let t = 0; t < ids.length; t++)
          for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) want[i * d + j] += k[t * d + i] * k[t * d + j];
        tokens += ids.length;
      }
      for (let i = 0; i < want.length; i++) want[i] /= tokens;
      const c = got.get(module)!;
      const scale = Math.max(...want.map(Math.abs));
      const err = Math.max(...c.map((v, i) => Math.abs(v - want[i]))) / scale;
      console.log(`${module}: C vs float64 reference, max-norm relative error ${err.toExponential(2)} over ${tokens} tokens`);
      expect(err).toBeLessThan(1e-5); // the keys come from the fp32 graph
    }
    await runtime.dispose();
  });

  it('a pass cut short continues from its saved sums to the same C, and a finished pass comes from the cache', async () => {
    const { m, runtime } = await setup();
    const opts = { samples: 23, batch: 4, saveEvery: 1 };
    const straight = await keySecondMoments(runtime, m.tokenizer, CORPUS, MODULES, opts);

    const store = new MemoryStore();
    const cache = { store, key: 'tiny-corpus' };
    const seen: number[] = [];
    const stop = new Error('tab closed');
    await expect(
      keySecondMoments(runtime, m.tokenizer, CORPUS, MODULES, {
        ...opts,
        cache,
        onProgress: (done) => {
          seen.push(done);
          if (done === 12) throw stop;
        },
      }),
    ).rejects.toBe(stop);
    const resumedFrom: number[] = [];
    const resumed = await keySecondMoments(runtime, m.tokenizer, CORPUS, MODULES, {
      ...opts,
      cache,
      onProgress: (done) => resumedFrom.push(done),
    });
    expect(seen).toEqual([4, 8, 12]);
    expect(resumedFrom).toEqual([16, 20, 23]); // not from the start
    for (const module of MODULES) expect(Array.from(resumed.get(module)!)).toEqual(Array.from(straight.get(module)!));

    let lookups = 0;
    const counting: ModelRuntime = Object.create(runtime);
    counting.lookup = (...a) => (lookups++, runtime.lookup(...a));
    const cached = await keySecondMoments(counting, m.tokenizer, CORPUS, MODULES, { ...opts, cache });
    expect(lookups).toBe(0);
    for (const module of MODULES) expect(Array.from(cached.get(module)!)).toEqual(Array.from(straight.get(module)!));
    await runtime.dispose();
  });
});
