/**
 * EasyEdit's WILD evaluation ("The Mirage of Model Editing", docs/design.md §2): the edited model
 * answers without teacher forcing and the answer is judged as generated. Transcribed from
 * easyeditor/evaluate/evaluate_utils.py `generate_texts` / `test_prediction_acc_LLM_judge` without an
 * API key (the judge falls back to exact match there):
 *
 *   - greedy decoding (`do_sample=False`) from tok(prompt) (the lab's own prompt tokenization, with the
 *     tokenizer's special tokens; EasyEdit wraps chat models' prompts in their chat template, which
 *     base models have none of);
 *   - stop strings ".", "\n" and eos: generation ends when the decoded answer ends with one (eos is
 *     not kept); then one trailing "." and one trailing "\n" are removed, in that order;
 *   - exact match after normalize_answer, plus token-level F1 (./answer-match.ts).
 *
 * The cap on new tokens follows the target: |tok(" " + target)| plus `extra` (default 0), EasyEdit's
 * `max_new_tokens=len(target_new_tokens)` of its generation-based accuracy and F1 (evaluate_utils.py
 * `test_prediction_acc(vanilla_generation=True)`, `F1`). Its LLM-judge path allows 512 tokens and
 * relies on the stop strings alone; a model trained without an end-of-answer token (the demo's: its
 * corpus is "question? answer" with nothing after) never stops and would be judged on 512 tokens of
 * continuation, so the open-ended form is `extra` > 0 (the CLI's --wild-extra), not the default.
 */
import type { TextTokenizer } from '../types';
import type { ModelRuntime } from '../runtime/runtime';
import type { ScoringPair } from '../run/batching';
import { exactMatch, tokenF1 } from './answer-match';
import { greedyDecode } from '../runtime/decode';

export const WILD_STOP_STRINGS = ['.', '\n'] as const;

export function wildMaxNewTokens(targetTokens: number, extra = 0): number {
  return targetTokens + extra;
}

export interface WildRow {
  /** The answer as generated, stop string removed. */
  text: string;
  exact: boolean;
  f1: number;
}

/** Stop once the decoded answer ends with a stop string. */
export function endsWithStop(text: string): boolean {
  return WILD_STOP_STRINGS.some((s) => text.endsWith(s));
}

/** EasyEdit's suffix removal: each of ".", "\n" once, in that order. */
export function stripStop(text: string): string {
  let out = text;
  for (const s of WILD_STOP_STRINGS) if (out.endsWith(s)) out = out.slice(0, -s.length);
  return out;
}

/** Generate and judge each pair (ids unique within the call); the result is keyed by pair id. */
export async function wildScores(
  runtime: ModelRuntime,
  tok: TextTokenizer,
  pairs: readonly ScoringPair[],
  opts: { batch?: number; extra?: number } = {},
): Promise<Map<number, WildRow>> {
  const rows = pairs.map((p) => ({
    id: p.id,
    ids: tok.encode(p.prompt, true),
    maxNew: wildMaxNewTokens(tok.encode(' ' + p.target, false).length, opts.extra),
  }));
  const generated = await greedyDecode(runtime, tok, rows, { batch: opts.batch, stop: (gen) => endsWithStop(tok.decode([...gen])) });
  const out = new Map<number, WildRow>();
  for (const p of pairs) {
    const text = stripStop(tok.decode(generated.get(p.id)!));
    out.set(p.id, { text, exact: exactMatch(text, p.target), f1: tokenF1(text, p.target) });
  }
  return out;
}
