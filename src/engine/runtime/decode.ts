/**
 * Autoregressive decoding on the model as it stands, for the generation-based scores (WILD, fluency)
 * and the locate editors' context templates (docs/design.md §2, §7).
 *
 * The runtime has forward graphs only (no KV-cache graph: its score graph reads the whole padded
 * sequence), so every step re-runs the prefix: a step of B rows of length T costs one score pass of
 * [B, T]. Greedy decoding batches the rows still generating into one pass per step (right-padded,
 * causal, so padding never reaches a row's last position) and reads each row's argmax at its last
 * token through `predict` (one label there); the runtime rounds the length to its buckets, so a
 * handful of graph sessions serve every step. Top-k sampling reads the k best tokens and their
 * probabilities at each row's last token the same way (`nextTokensBatch`).
 */
import type { TextTokenizer } from '../types';
import type { ModelRuntime } from './runtime';
import { rowsBatch } from '../run/batching';
import type { Rng } from '../util/rng';

export interface DecodeRow {
  /** Carried into the result; unique within a call. */
  id: number;
  /** Prompt token ids (special tokens as the caller encoded them). */
  ids: readonly number[];
  /** At most this many new tokens (also capped by the model's positions). */
  maxNew: number;
}

export interface DecodeOptions {
  /** Rows per forward pass (default 16). */
  batch?: number;
  /** Called after each appended token: true ends the row (the token stays). */
  stop?: (generated: readonly number[]) => boolean;
}

/**
 * Greedy continuation of each row: the argmax token appended until eos (not kept), `stop`, maxNew or
 * the model's last position. Returns the generated ids per row id.
 */
export async function greedyDecode(
  runtime: ModelRuntime,
  tok: TextTokenizer,
  rows: readonly DecodeRow[],
  opts: DecodeOptions = {},
): Promise<Map<number, number[]>> {
  const batch = opts.batch ?? 16;
  const limit = runtime.spec.maxPositions;
  const out = new Map<number, number[]>(rows.map((r) => [r.id, []]));
  let active = rows.filter((r) => r.maxNew > 0 && r.ids.length < limit);
  while (active.length) {
    // longest first, so each pass pads little
    active.sort((a, b) => b.ids.length + out.get(b.id)!.length - (a.ids.length + out.get(a.id)!.length));
    const still: DecodeRow[] = [];
    for (let s = 0; s < active.length; s += batch) {
      const chunk = active.slice(s, s + batch);
      const seqs = chunk.map((r) => [...r.ids, ...out.get(r.id)!]);
      const sb = rowsBatch(
        seqs.map((ids) => ({ ids, labels: ids.map((_, t) => (t === ids.length - 1 ? 0 : -100)) })),
        chunk.map((r) => r.id),
      );
      const next = await runtime.predict(sb);
      chunk.forEach((r, b) => {
        const gen = out.get(r.id)!;
        const token = next[b];
        if (token === tok.eosId) return;
        gen.push(token);
        const done = gen.length >= r.maxNew || r.ids.length + gen.length >= limit || opts.stop?.(gen) === true;
        if (!done) still.push(r);
      });
    }
    active = still;
  }
  return out;
}

/**
 * generate_fast's top-k sampling (ROME util/generate.py) of each prompt: the k most likely next
 * tokens, renormalized, one drawn, until the sequence (prompt included) has `maxLen` tokens or the
 * model's last position; no stop at eos, as there. The prompts still growing go through one pass per
 * step, and each step draws one uniform per row from `rng`, in row order (so one prompt alone draws
 * exactly what it draws in company only when it is alone: callers that need a fixed stream per
 * prompt call it per prompt).
 */
export async function sampleTopK(
  runtime: ModelRuntime,
  prompts: readonly (readonly number[])[],
  maxLen: number,
  k: number,
  rng: Rng,
): Promise<number[][]> {
  const seqs = prompts.map((p) => [...p]);
  const end = Math.min(maxLen, runtime.spec.maxPositions);
  for (;;) {
    const growing = seqs.filter((s) => s.length < end);
    if (growing.length === 0) return seqs;
    const next = await runtime.nextTokensBatch(growing, Math.min(k, runtime.spec.vocabSize));
    growing.forEach((ids, b) => {
      const { ids: top, probs } = next[b];
      const total = probs.reduce((s, p) => s + p, 0);
      let u = rng.uniform() * total;
      let pick = top.length - 1;
      for (let j = 0; j < top.length; j++)
        if ((u -= probs[j]) < 0) {
          pick = j;
          break;
        }
      ids.push(top[pick]);
    });
  }
}
