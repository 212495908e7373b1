/**
 * General capability as the reference's glue_eval scores it: the answer readers (`_get_answer`
 * transcribed) on hand-made generations, and, on a tiny random model, the label-word probabilities
 * against the float64 reference forward (exp of the mean −log p of tok(" " + word) at positions
 * |tok(prompt)| + j − 1 of tok(prompt + " " + word)) and the generated answers against the
 * reference's greedy decode, tolerance 1e-4 relative on the probabilities (fp32 forward).
 */
import { describe, expect, it } from 'vitest';
import { memoryFolder } from '../../io/memory';
import { tinyCheckpoint } from '../../model/generate-tiny';
import { loadModel } from '../../model/load';
import { lastLogits } from '../../reference/forward';
import { createCpuRuntime } from '../../runtime/cpu-runtime';
import { GENERAL_GEN_LEN, GENERAL_TASKS, type GeneralExample } from './glue-tasks';
import { labelWordPrediction, predictGeneral, summarizeTask } from './general-capability';

describe('the reference prompts and answer readers', () => {
  const { sst2, cola, mrpc, rte, nli, mmlu, choice } = GENERAL_TASKS;
  it('builds the zero-shot prompts of glue_eval', () => {
    expect(sst2.prompt({ sentence: 'a fine film .', label: 1 })).toBe('Review :a fine film .\nSentiment :');
    expect(cola.prompt({ sentence: 'He left.', label: 1 })).toBe(
      'Is this sentence linguistically acceptable?\nSentence: He left.\nAnswer: ',
    );
    expect(mrpc.prompt({ sentence1: 'A.', sentence2: 'B.', label: 0 })).toBe(
      'Are the sentences paraphrases of each other.\nSentence 1: A.\nSentence 2: B.\nAnswer:',
    );
    expect(rte.prompt({ sentence1: 'A.', sentence2: 'B.', label: 0 })).toBe('A.\nquestion: B. True or False?\nanswer:');
    expect(nli.prompt({ sentence1: 'A.', sentence2: 'B.', label: 0 })).toBe('A. entails the B. True or False? Answer:');
    expect(mmlu.prompt({ question: 'Q?', choices: ['w', 'x', 'y', 'z'], label: 0 })).toBe(
      'Question: Q?\n(A) w\n(B) x\n(C) y\n(D) z\nAnswer:',
    );
  });
  it('reads generated text as _get_answer does (order of the tests, substrings, −1)', () => {
    const ex: GeneralExample = { label: 0 };
    // the text after the last marker, lower-cased; "positive" is tested first
    expect(sst2.parse('Review :x\nSentiment : Positive \n Review', '', ex)).toBe(1);
    expect(sst2.parse('Review :x\nSentiment : negative, not positive', '', ex)).toBe(1);
    expect(sst2.parse('Review :x\nSentiment : neutral', '', ex)).toBe(-1);
    // "no" is a substring test: "Not" reads as No
    expect(cola.parse('…\nAnswer:  Not sure', '', ex)).toBe(0);
    expect(mrpc.parse('…\nAnswer: Yes, no', '', ex)).toBe(1);
    // RTE tests "false" first, NLI "true" first
    expect(rte.parse('…\nanswer: True or False', '', ex)).toBe(0);
    expect(nli.parse('… True or False? Answer: True or False', '', ex)).toBe(1);
    // MMLU reads the continuation alone, a letter followed by a newline
    expect(mmlu.parse('Answer: A', ' B\n', ex)).toBe(1);
    expect(mmlu.parse('', ' B', ex)).toBe(-1);
    // the lab's layout: the choice named first in the continuation
    expect(choice.parse('', ' Kriia What is Vear', { choices: ['Vear', 'Kriia'], label: 0 })).toBe(1);
  });
  it('label words: 1 iff p₁ > p₀ for two, the strict maximum for more', () => {
    expect(labelWordPrediction([0.2, 0.3])).toBe(1);
    expect(labelWordPrediction([0.3, 0.3])).toBe(0);
    expect(labelWordPrediction([0.1, 0.4, 0.2, 0.3])).toBe(1);
    expect(labelWordPrediction([0.4, 0.4, 0.1, 0.1])).toBe(-1);
  });
  it('summarizes as the reference does', () => {
    const preds = [1, -1, 0, 1].map((g, i) => ({ generated: g, labelWords: [1, 1, 0, 1][i], probs: [] }));
    const s = summarizeTask('t', [1, 1, 0, 0], preds, 0);
    expect([s.correct, s.incorrect, s.invalid, s.total]).toEqual([2, 1, 1, 4]);
    expect(s.accuracy).toBe(0.5);
    expect(s.accuracy_new).toBe(0.75);
  });
});

function logSoftmax(row: Float64Array, t: number): number {
  let max = -Infinity;
  for (const v of row) max = Math.max(max, v);
  let z = 0;
  for (const v of row) z += Math.exp(v - max);
  return row[t] - max - Math.log(z);
}

describe('scoring on a model vs the float64 reference', () => {
  it.each([
    ['gpt2', { arch: 'gpt2' as const, seed: 51 }],
    ['llama (BOS)', { arch: 'llama' as const, seed: 52, heads: 4, kvHeads: 2 }],
  ])('%s: label-word probabilities and generated answers', async (_, opts) => {
    const m = await loadModel(memoryFolder('tiny', tinyCheckpoint(opts)));
    const rt = await createCpuRuntime(m);
    const tok = m.tokenizer;
    const sets = [
      {
        task: 'sst2' as const,
        examples: [
          { sentence: 'a fine film', label: 1 },
          { sentence: 'dull', label: 0 },
        ],
      },
      { task: 'rte' as const, examples: [{ sentence1: 'The river is long', sentence2: 'The river is short', label: 0 }] },
      { task: 'mmlu' as const, examples: [{ question: 'Which is a city', choices: ['Paris', 'red', 'five', 'river'], label: 0 }] },
    ];
    for (const s of sets) {
      const task = GENERAL_TASKS[s.task];
      const { predictions, skipped } = await predictGeneral(
        rt,
        tok,
        { key: s.task, task: s.task, title: s.task, source: 'test', examples: s.examples },
        3,
      );
      expect(skipped).toBe(0);
      s.examples.forEach((ex, e) => {
        const prompt = task.prompt(ex);
        const n = tok.encode(prompt, true).length;
        const want = task.labelWords(ex).map((w) => {
          const joined = tok.encode(`${prompt} ${w}`, true);
          const wordIds = tok.encode(` ${w}`, false);
          const ids = joined.length >= n + wordIds.length ? joined : [...tok.encode(prompt, true), ...wordIds];
          let nll = 0;
          wordIds.forEach((t, j) => (nll -= logSoftmax(lastLogits(m.spec, m.weights, ids.slice(0, n + j)), t)));
          return Math.exp(-nll / wordIds.length);
        });
        predictions[e].probs.forEach((p, k) => expect(Math.abs(p - want[k]) / want[k], `${s.task} word ${k}`).toBeLessThan(1e-4));
        expect(predictions[e].labelWords).toBe(labelWordPrediction(want));
        // the reference's greedy decode of GENERAL_GEN_LEN tokens, read by the task's parser
        const ids = tok.encode(prompt, true);
        const gen: number[] = [];
        while (gen.length < GENERAL_GEN_LEN) {
          const row = lastLogits(m.spec, m.weights, [...ids, ...gen]);
          const next = row.indexOf(Math.max(...row));
          if (next === tok.eosId) break;
          gen.push(next);
        }
        const continuation = tok.decode(gen);
        expect(predictions[e].generated).toBe(task.parse(prompt + continuation, continuation, ex));
      });
    }
  });
});
