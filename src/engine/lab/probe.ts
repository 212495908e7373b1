/**
 * The probe box: top-k next tokens after a prompt and a greedy continuation, on the model as it
 * stands. Greedy = repeatedly take nextTokens' top-1 (the runtime has no generate graph; prompts and
 * continuations here are a few dozen tokens, so re-running the prefix each step is cheap enough).
 */
import { InputError, type TextTokenizer } from '../types';
import type { ModelRuntime } from '../runtime/runtime';

export interface ProbeAnswer {
  prompt: string;
  /** Top-k next tokens after the prompt, most likely first. */
  top: { id: number; text: string; prob: number }[];
  /** Greedy continuation text (stops at eos or maxNewTokens). */
  continuation: string;
  continuationIds: number[];
}

export async function probe(
  runtime: ModelRuntime,
  tok: TextTokenizer,
  prompt: string,
  k: number,
  maxNewTokens: number,
): Promise<ProbeAnswer> {
  if (!prompt.trim()) throw new InputError('probe prompt', 'is empty: type a question or the start of a sentence');
  if (!(Number.isInteger(maxNewTokens) && maxNewTokens >= 0 && maxNewTokens <= 256))
    throw new InputError('probe', `max new tokens must be a whole number in [0, 256], got ${maxNewTokens}`);
  const ids = tok.encode(prompt, true);
  const room = runtime.spec.maxPositions - ids.length;
  if (room < 1) throw new InputError('probe prompt', `is ${ids.length} tokens; the model reads at most ${runtime.spec.maxPositions}`);
  const first = await runtime.nextTokens(ids, k);
  const top = first.ids.map((id, i) => ({ id, text: tok.decode([id]), prob: first.probs[i] }));
  const out: number[] = [];
  let next = first.ids[0];
  for (let i = 0; i < Math.min(maxNewTokens, room); i++) {
    if (next === tok.eosId) break;
    out.push(next);
    if (i + 1 >= Math.min(maxNewTokens, room)) break;
    next = (await runtime.nextTokens([...ids, ...out], 1)).ids[0];
  }
  return { prompt, top, continuation: tok.decode(out), continuationIds: out };
}
