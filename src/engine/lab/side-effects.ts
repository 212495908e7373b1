/**
 * What an interactive edit did besides the edit itself. One edit can move many facts at once (on
 * the demo, one edit of "In which country is X?" turned the same question about other cities into
 * the new answer), so the lab asks a handful of other prompts before and after the edit and shows
 * which answers changed: the edited record's own locality prompt, and the prompts from the loaded
 * edit streams that look most like the edited one (same relation template, other subjects).
 */
import type { EditRecord, TextTokenizer } from '../types';
import type { ModelRuntime } from '../runtime/runtime';
import { probe } from './probe';

export interface SideEffect {
  prompt: string;
  /** Why this prompt was asked: the record's locality prompt, or a neighbour from the streams. */
  why: 'locality' | 'neighbour';
  before: string;
  after: string;
  changed: boolean;
}

const words = (s: string) => new Set(s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);

/**
 * Up to `n` prompts from `pool` nearest to `prompt` by shared words (Jaccard), excluding the prompt
 * itself; ties keep the pool's order, so the choice is deterministic.
 */
export function neighbourPrompts(prompt: string, pool: readonly EditRecord[], n: number): string[] {
  const w = words(prompt);
  const seen = new Set([prompt.trim()]);
  const scored: { p: string; score: number; i: number }[] = [];
  pool.forEach((r, i) => {
    const p = r.prompt.trim();
    if (seen.has(p)) return;
    seen.add(p);
    const v = words(p);
    let shared = 0;
    for (const x of v) if (w.has(x)) shared++;
    const score = shared / (w.size + v.size - shared || 1);
    if (score > 0) scored.push({ p, score, i });
  });
  scored.sort((a, b) => b.score - a.score || a.i - b.i);
  return scored.slice(0, n).map((s) => s.p);
}

/** The prompts to watch for an edit: its locality prompt (if given) first, then the neighbours. */
export function watchedPrompts(
  edit: { prompt: string; locPrompt?: string },
  pool: readonly EditRecord[],
  n = 8,
): { prompt: string; why: SideEffect['why'] }[] {
  const out: { prompt: string; why: SideEffect['why'] }[] = [];
  if (edit.locPrompt?.trim()) out.push({ prompt: edit.locPrompt.trim(), why: 'locality' });
  for (const p of neighbourPrompts(edit.prompt, pool, n)) if (p !== edit.locPrompt?.trim()) out.push({ prompt: p, why: 'neighbour' });
  return out;
}

/** The model's greedy answers (a few tokens) to each prompt, as it stands now. */
export async function answers(runtime: ModelRuntime, tok: TextTokenizer, prompts: readonly string[], maxNewTokens = 4): Promise<string[]> {
  const out: string[] = [];
  for (const p of prompts) out.push((await probe(runtime, tok, p, 1, maxNewTokens)).continuation.trim());
  return out;
}

export function compareAnswers(
  watched: readonly { prompt: string; why: SideEffect['why'] }[],
  before: readonly string[],
  after: readonly string[],
): SideEffect[] {
  return watched.map((w, i) => ({ ...w, before: before[i], after: after[i], changed: before[i] !== after[i] }));
}
