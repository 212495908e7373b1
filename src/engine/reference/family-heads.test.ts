/**
 * The heads and caps of the newer families, on tiny seeded checkpoints, reference and ORT graph alike:
 * - GPT-J: `lm_head` is its own tensor with a bias (GPTJForCausalLM: nn.Linear(n_embd, vocab) with
 *   bias): raising bias[v] by c raises every row's logit v by c and nothing else;
 * - Gemma 2: final_logit_softcapping: logits = c·tanh(raw / c) with raw the uncapped logits, so
 *   every logit is inside (−c, c); attn_logit_softcapping bends the scores (capping at a smaller c
 *   changes the logits) and a cap far above every score is no cap (≤ 1e-12).
 */
import { describe, expect, it } from 'vitest';
import { maxRelativeError } from '../gpu/compare';
import { buildForwardGraph } from '../graph/models/transformer';
import { GraphSession } from '../graph/ort-session';
import { memoryFolder } from '../io/memory';
import { tinyCheckpoint } from '../model/generate-tiny';
import { loadModel } from '../model/load';
import type { ModelSpec, Weights } from '../model/spec';
import { referenceForward } from './forward';

const T = 5;
const ids = (V: number) => Array.from({ length: T }, (_, i) => (7 * i + 2) % V);
const ref = (spec: ModelSpec, w: Weights) =>
  referenceForward(spec, w, { batch: 1, seqLen: T, inputIds: ids(spec.vocabSize), attentionMask: ids(spec.vocabSize).map(() => 1) }).logits;

async function ort(spec: ModelSpec, w: Weights): Promise<Float32Array> {
  const mg = buildForwardGraph(spec, { batch: 1, seqLen: T });
  const s = await GraphSession.fromGraph(mg.g);
  const feeds = Object.fromEntries(
    mg.g.inputs.map((v) => [
      v.name!,
      v.name === 'input_ids'
        ? Int32Array.from(ids(spec.vocabSize))
        : v.name === 'attention_mask'
          ? new Int32Array(T).fill(1)
          : w.get(v.name!)!.data,
    ]),
  );
  const out = (await s.run(feeds)).logits as Float32Array;
  await s.release();
  return out;
}

describe('heads and caps of the newer families', () => {
  it('GPT-J: an untied lm_head with a bias that shifts exactly its own logit', async () => {
    const m = await loadModel(memoryFolder('tiny-gptj', tinyCheckpoint({ arch: 'gptj', seed: 51, layers: 1 })));
    const w = m.weights as Weights;
    expect(m.spec.tiedEmbeddings).toBe(false);
    expect(w.get('lm_head.weight')!.data).not.toBe(w.get('transformer.wte.weight')!.data);
    const V = m.spec.vocabSize;
    const v = 3;
    const bias = w.get('lm_head.bias')!;
    const raised = new Map(w).set('lm_head.bias', { shape: bias.shape, data: bias.data.map((b, i) => (i === v ? b + 0.5 : b)) });
    for (const run of [async (x: Weights) => ref(m.spec, x), (x: Weights) => ort(m.spec, x)]) {
      const [a, b] = [await run(w), await run(raised)];
      for (let r = 0; r < T; r++)
        for (let c = 0; c < V; c++) expect(b[r * V + c] - a[r * V + c]).toBeCloseTo(c === v ? 0.5 : 0, c === v ? 5 : 6);
    }
  });

  it('Gemma 2: logits = c·tanh(raw / c) inside (−c, c); the attention cap bends the scores, a huge one is none', async () => {
    const m = await loadModel(memoryFolder('tiny-gemma2', tinyCheckpoint({ arch: 'gemma2', seed: 52, layers: 1, std: 1 })));
    const w = m.weights as Weights;
    const cap = m.spec.finalSoftcap!;
    expect(cap).toBeGreaterThan(0);
    const capped = ref(m.spec, w);
    const raw = ref({ ...m.spec, finalSoftcap: null }, w);
    expect(
      maxRelativeError(
        capped,
        raw.map((x) => cap * Math.tanh(x / cap)),
      ),
    ).toBeLessThanOrEqual(1e-12);
    expect(Math.max(...raw.map(Math.abs))).toBeGreaterThan(cap); // the cap binds on these weights
    expect(Math.max(...capped.map(Math.abs))).toBeLessThan(cap);
    expect(maxRelativeError(await ort(m.spec, w), capped)).toBeLessThanOrEqual(1e-4);

    const attnCap = m.spec.attnSoftcap!;
    expect(attnCap).toBeGreaterThan(0);
    const tighter = { ...m.spec, attnSoftcap: attnCap / 20 };
    expect(maxRelativeError(ref(tighter, w), capped)).toBeGreaterThan(1e-3);
    expect(maxRelativeError(await ort(tighter, w), ref(tighter, w))).toBeLessThanOrEqual(1e-4);
    expect(maxRelativeError(ref({ ...m.spec, attnSoftcap: 1e12 }, w), ref({ ...m.spec, attnSoftcap: null }, w))).toBeLessThanOrEqual(1e-12);
  });
});
