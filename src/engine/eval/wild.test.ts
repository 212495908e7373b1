/**
 * Greedy decoding and the WILD scores against the float64 reference forward: the reference decodes
 * one prompt at a time, unpadded, re-running the whole sequence each step and taking the argmax of the
 * last position's logits; the runtime batches rows of different lengths (right padding, its length
 * buckets). The generated ids must be the same token for token (steps where the reference's top two
 * logits are within 1e-4 would be a fp32 tie; the check says so instead of failing obscurely).
 */
import { describe, expect, it } from 'vitest';
import { memoryFolder } from '../io/memory';
import { nodeFile, nodeFolder } from '../io/node-files';
import { loadDataset } from '../data/dataset';
import { tinyCheckpoint } from '../model/generate-tiny';
import { loadModel, type LoadedModel } from '../model/load';
import { lastLogits } from '../reference/forward';
import { createCpuRuntime } from '../runtime/cpu-runtime';
import { greedyDecode } from '../runtime/decode';
import { exactMatch, tokenF1 } from './answer-match';
import { endsWithStop, stripStop, wildMaxNewTokens, wildScores } from './wild';

/** The reference's greedy continuation, with the same stop rules as greedyDecode. */
function referenceGreedy(m: LoadedModel, prompt: number[], maxNew: number, stop?: (gen: number[]) => boolean): number[] {
  const gen: number[] = [];
  while (gen.length < maxNew && prompt.length + gen.length < m.spec.maxPositions) {
    const row = lastLogits(m.spec, m.weights, [...prompt, ...gen]);
    const order = Array.from(row.keys()).sort((a, b) => row[b] - row[a]);
    if (row[order[0]] - row[order[1]] < 1e-4) throw new Error(`near tie at step ${gen.length}: the check cannot decide`);
    if (order[0] === m.tokenizer.eosId) break;
    gen.push(order[0]);
    if (stop?.(gen)) break;
  }
  return gen;
}

describe('greedy decoding vs the float64 reference', () => {
  it.each([
    ['gpt2', { arch: 'gpt2' as const, seed: 41 }],
    ['llama GQA', { arch: 'llama' as const, seed: 42, heads: 4, kvHeads: 2 }],
  ])('%s: batched rows of different lengths, same tokens', async (_, opts) => {
    const m = await loadModel(memoryFolder('tiny', tinyCheckpoint(opts)));
    const rt = await createCpuRuntime(m);
    const prompts = ['The capital of France is', 'Which river flows through the city? The river is', 'Danish'];
    const rows = prompts.map((p, id) => ({ id, ids: m.tokenizer.encode(p, true), maxNew: 5 + id }));
    const got = await greedyDecode(rt, m.tokenizer, rows, { batch: 2 });
    for (const r of rows) expect(got.get(r.id), prompts[r.id]).toEqual(referenceGreedy(m, [...r.ids], r.maxNew));
    expect(got.get(2)!.length).toBe(7); // a random model stops only at maxNew
    // top-k of several prompts in one padded pass = each prompt alone (the sampling's batched read)
    const batched = await rt.nextTokensBatch(
      rows.map((r) => r.ids),
      4,
    );
    for (const [b, r] of rows.entries()) {
      const alone = await rt.nextTokens([...r.ids], 4);
      expect(batched[b].ids).toEqual(alone.ids);
      batched[b].probs.forEach((p, j) => expect(Math.abs(p - alone.probs[j])).toBeLessThanOrEqual(1e-6));
    }
    await rt.dispose();
  });
});

describe('WILD on the demo model (trained: it answers)', () => {
  it('texts and scores = the reference decode judged by hand-written rules', async () => {
    const m = await loadModel(nodeFolder('public/demo/model'));
    const rt = await createCpuRuntime(m);
    const { records } = await loadDataset(nodeFile('public/demo/data/known-facts.json'), { limit: 6 });
    const pairs = records.flatMap((r) => [
      { id: 2 * r.index, prompt: r.prompt, target: r.answer },
      { id: 2 * r.index + 1, prompt: r.locPrompt!, target: r.locAnswer! },
    ]);
    const got = await wildScores(rt, m.tokenizer, pairs, { batch: 4 });
    let exact = 0;
    for (const p of pairs) {
      const prompt = m.tokenizer.encode(p.prompt, true);
      const maxNew = wildMaxNewTokens(m.tokenizer.encode(' ' + p.target, false).length);
      const gen = referenceGreedy(m, prompt, maxNew, (g) => endsWithStop(m.tokenizer.decode(g)));
      const text = stripStop(m.tokenizer.decode(gen));
      const row = got.get(p.id)!;
      expect(row.text, p.prompt).toBe(text);
      expect(row.exact).toBe(exactMatch(text, p.target));
      expect(row.f1).toBe(tokenF1(text, p.target));
      exact += row.exact ? 1 : 0;
    }
    // known facts the model was trained on: most are answered exactly
    expect(exact).toBeGreaterThanOrEqual(pairs.length / 2);
    // open-ended (room after the answer): the demo model never stops, so what follows is judged too
    const open = await wildScores(rt, m.tokenizer, pairs.slice(0, 2), { extra: 3 });
    for (const row of open.values()) {
      expect(row.exact).toBe(false);
      expect(row.f1).toBeCloseTo(0.4, 12); // 1 of 4 words right: P = 1/4, R = 1
    }
    await rt.dispose();
  });

  it('stop rules: eos not kept; ".", "\\n" end the answer and one of each is stripped', () => {
    expect(endsWithStop('Paris.')).toBe(true);
    expect(endsWithStop('Paris\n')).toBe(true);
    expect(endsWithStop('Paris,')).toBe(false);
    expect(stripStop('Paris.')).toBe('Paris');
    expect(stripStop('Paris.\n')).toBe('Paris.'); // "." is tried before "\n", as EasyEdit's loop does
    expect(stripStop('Paris\n.')).toBe('Paris');
  });
});
