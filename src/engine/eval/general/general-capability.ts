/**
 * General capability on the model as it stands (docs/design.md §2), scored as the reference's
 * glue_eval does per example:
 *
 *  - generated: greedy decoding of GENERAL_GEN_LEN new tokens from tok(prompt) (eos ends it), the
 *    text read back to a label by the task's `parse` (−1 when it names none);
 *  - label words: for each word w, the mean over its tokens t_j = tok(" " + w) of −log p(t_j) read
 *    at position |tok(prompt)| + j − 1 of tok(prompt + " " + w); the prediction is label 1 when
 *    p(word₁) > p(word₀) for two words, else the strict argmax (−1 on a tie), as there.
 *
 * Per task it reports the reference's numbers: correct / incorrect / invalid / total of the
 * generated answers, their weighted F1 (`f1`) and MCC (`mcc`), and the label-word predictions'
 * weighted F1 (`f1_new`), with their accuracy (`accuracy`, `accuracy_new`) beside.
 */
import type { TextTokenizer } from '../../types';
import type { ModelRuntime } from '../../runtime/runtime';
import { greedyDecode } from '../../runtime/decode';
import { rowsBatch } from '../../run/batching';
import { matthews, weightedF1 } from './classification-metrics';
import { GENERAL_GEN_LEN, GENERAL_TASKS, type GeneralExample, type GeneralTaskId } from './glue-tasks';

/** One task's examples, as read from the user's file (data/general-sets.ts) or the demo's set. */
export interface GeneralSet {
  /** The name its scores go under ("sst2", "demo.capital" …); unique within a run. */
  key: string;
  task: GeneralTaskId;
  title: string;
  /** Where the examples came from (a file name), for messages and the report. */
  source: string;
  examples: GeneralExample[];
}

export interface GeneralTaskScore {
  title: string;
  correct: number;
  incorrect: number;
  invalid: number;
  total: number;
  /** Weighted F1 of the generated answers (the reference's `f1`, the paper's Fig. 2). */
  f1: number;
  /** Weighted F1 of the label-word predictions (the reference's `f1_new`). */
  f1_new: number;
  mcc: number;
  accuracy: number;
  accuracy_new: number;
  /** Examples left out because prompt and answer do not fit the model's positions. */
  skipped?: number;
}

/** Scores by set key (the reference's per-task result dicts). */
export type GeneralSummary = Record<string, GeneralTaskScore>;

export interface GeneralPrediction {
  generated: number;
  labelWords: number;
  /** exp(−mean NLL) per label word (the reference's prob_*). */
  probs: number[];
}

/** The label-word rule: two words, 1 iff p₁ > p₀; more, the strict maximum or −1. */
export function labelWordPrediction(probs: readonly number[]): number {
  if (probs.length === 2) return probs[1] > probs[0] ? 1 : 0;
  let best = -1;
  probs.forEach((p, i) => {
    if (probs.every((q, j) => j === i || p > q)) best = i;
  });
  return best;
}

export function summarizeTask(
  title: string,
  labels: readonly number[],
  preds: readonly GeneralPrediction[],
  skipped: number,
): GeneralTaskScore {
  const generated = preds.map((p) => p.generated);
  const words = preds.map((p) => p.labelWords);
  const invalid = generated.filter((g) => g === -1).length;
  const correct = generated.filter((g, i) => g === labels[i]).length;
  const total = labels.length;
  return {
    title,
    correct,
    incorrect: total - correct - invalid,
    invalid,
    total,
    f1: weightedF1(labels, generated),
    f1_new: weightedF1(labels, words),
    mcc: matthews(labels, generated),
    accuracy: total ? correct / total : 0,
    accuracy_new: total ? words.filter((w, i) => w === labels[i]).length / total : 0,
    ...(skipped ? { skipped } : {}),
  };
}

/** The generated and label-word predictions of each example (in order), and how many did not fit. */
export async function predictGeneral(
  runtime: ModelRuntime,
  tok: TextTokenizer,
  set: GeneralSet,
  batch = 16,
): Promise<{ predictions: GeneralPrediction[]; kept: GeneralExample[]; skipped: number }> {
  const task = GENERAL_TASKS[set.task];
  const limit = runtime.spec.maxPositions;
  const rows = set.examples.map((ex) => {
    const prompt = task.prompt(ex);
    const promptIds = tok.encode(prompt, true);
    const words = task.labelWords(ex).map((w) => {
      const joined = tok.encode(`${prompt} ${w}`, true);
      const wordIds = tok.encode(` ${w}`, false);
      return { joined, wordIds };
    });
    return { ex, prompt, promptIds, words };
  });
  // prompt + answer must fit the positions; the word tokens are read inside the joined sequence
  const fits = rows.filter((r) => r.words.every((w) => Math.max(w.joined.length, r.promptIds.length + w.wordIds.length) <= limit));

  const generated = await greedyDecode(
    runtime,
    tok,
    fits.map((r, id) => ({ id, ids: r.promptIds, maxNew: GENERAL_GEN_LEN })),
    { batch },
  );

  // one row per (example, word): labels at |tok(prompt)| + j − 1 = t_j
  const wordRows = fits.flatMap((r, e) =>
    r.words.map((w, k) => {
      const n = r.promptIds.length;
      // A joined tokenization shorter than prompt + word (a merge across the space) is read on the
      // concatenation instead, so every t_j has a position.
      const ids = w.joined.length >= n + w.wordIds.length ? w.joined : [...r.promptIds, ...w.wordIds];
      const labels = ids.map(() => -100);
      w.wordIds.forEach((t, j) => (labels[n + j - 1] = t));
      return { e, k, ids, labels, count: w.wordIds.length, wordIds: w.wordIds };
    }),
  );
  const nll = fits.map((r) => r.words.map(() => 0));
  const V = runtime.spec.vocabSize;
  for (let s = 0; s < wordRows.length; s += batch) {
    const chunk = wordRows.slice(s, s + batch);
    const sb = rowsBatch(
      chunk.map((w) => ({ ids: w.ids, labels: w.labels })),
      chunk.map((w) => w.e),
    );
    const logprobs = await runtime.labelLogprobs(sb);
    // label positions come row-major over (row, position): each row's word tokens in order
    let at = 0;
    for (const w of chunk) {
      let sum = 0;
      for (const t of w.wordIds) sum -= logprobs[at++ * V + t];
      nll[w.e][w.k] = sum / w.count;
    }
  }
  const predictions = fits.map((r, e) => {
    const gen = generated.get(e)!;
    const continuation = tok.decode(gen);
    const probs = nll[e].map((x) => Math.exp(-x));
    return { generated: task.parse(r.prompt + continuation, continuation, r.ex), labelWords: labelWordPrediction(probs), probs };
  });
  return { predictions, kept: fits.map((r) => r.ex), skipped: rows.length - fits.length };
}

/** Every set's scores on the model as it stands. */
export async function generalCapability(runtime: ModelRuntime, tok: TextTokenizer, sets: readonly GeneralSet[]): Promise<GeneralSummary> {
  const out: GeneralSummary = {};
  for (const set of sets) {
    const { predictions, kept, skipped } = await predictGeneral(runtime, tok, set);
    out[set.key] = summarizeTask(
      set.title,
      kept.map((ex) => ex.label),
      predictions,
      skipped,
    );
  }
  return out;
}
