/**
 * ROME/MEMIT's fluency score (docs/design.md §2): the weighted bi- and tri-gram entropy of text the
 * model generates after a prompt. Transcribed from rome experiments/py/eval_utils_counterfact.py:
 *
 *   compute_n_gram_entropy(s) = mean_n( w_n · H_n ),  n ∈ {2, 3}, w = (2/3, 4/3),
 *   H_n = −Σ f·log2 f over the relative frequencies f of the n-grams of word_tokenize(s)
 *   n_gram_entropy(texts) = arithmetic mean over the texts
 *
 * A text with fewer than n words has no n-grams and H_n = 0 (numpy's sum of an empty array). The
 * texts are generate_fast's (ROME util/generate.py, batched as it batches): top-5 sampling, seeded
 * here, until 100 tokens in all (prompt included; capped at the model's positions), decoded whole, NFKD-normalized, "\n\n"
 * replaced by a space, eos removed.
 *
 * `wordTokenize` stands in for nltk.word_tokenize (Punkt sentences, then the Treebank word rules),
 * which has no JavaScript port: it splits sentences at . ! ? followed by space, separates the
 * Treebank punctuation (commas not inside numbers, the sentence-final period, "..."), splits the
 * contractions the Treebank splits ('s 'm 'd 'll 're 've n't) and turns straight double quotes into
 * `` and '' as it does. Text it would segment otherwise (abbreviations Punkt knows, URLs) can give a
 * slightly different count; the entropy is insensitive to that at the scale it is read at.
 */
import type { TextTokenizer } from '../types';
import type { ModelRuntime } from '../runtime/runtime';
import { Rng } from '../util/rng';
import { sampleTopK } from '../runtime/decode';

export const FLUENCY_MAX_LEN = 100;
export const FLUENCY_TOP_K = 5;

export function wordTokenize(text: string): string[] {
  const sentences = text.split(/(?<=[.!?])\s+/u);
  const words: string[] = [];
  for (const sentence of sentences) {
    let s = ` ${sentence} `;
    s = s.replace(/([ ([{<])"/gu, '$1 `` ');
    s = s.replace(/\.\.\./gu, ' ... ');
    s = s.replace(/([;:@#$%&?!()[\]{}<>])/gu, ' $1 ');
    s = s.replace(/,(?!\d)|(?<!\d),/gu, ' , ');
    s = s.replace(/--/gu, ' -- ');
    s = s.replace(/"/gu, " '' ");
    // the sentence-final period (before closing brackets and quotes)
    s = s.replace(/([^.])\.([\])}>"']*)\s*$/u, '$1 . $2 ');
    s = s.replace(/([^' ])('[sSmMdD]|')\s/gu, '$1 $2 ');
    s = s.replace(/([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T)\s/gu, '$1 $2 ');
    words.push(...s.split(/\s+/u).filter(Boolean));
  }
  return words;
}

function ngramEntropy(words: readonly string[], n: number): number {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= words.length; i++) {
    const key = words.slice(i, i + n).join('\u0000');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const total = words.length - n + 1;
  let h = 0;
  for (const c of counts.values()) {
    const f = c / total;
    h -= (f * Math.log(f)) / Math.log(2);
  }
  return h;
}

export function computeNGramEntropy(sentence: string, ns: readonly number[] = [2, 3], weights: readonly number[] = [2 / 3, 4 / 3]): number {
  const words = wordTokenize(sentence);
  const weighted = ns.map((n, i) => ngramEntropy(words, n) * weights[i]);
  return weighted.reduce((a, b) => a + b, 0) / weighted.length;
}

export function nGramEntropy(texts: readonly string[]): number {
  return texts.length ? texts.reduce((s, t) => s + computeNGramEntropy(t), 0) / texts.length : NaN;
}

/** generate_fast's text for each prompt (one sample each, drawn in prompt order from one seeded stream). */
export async function fluencyTexts(runtime: ModelRuntime, tok: TextTokenizer, prompts: readonly string[], seed: number): Promise<string[]> {
  const encoded = prompts.map((p) => tok.encode(p, true));
  const generated = await sampleTopK(runtime, encoded, FLUENCY_MAX_LEN, FLUENCY_TOP_K, new Rng(seed));
  return generated.map((ids, i) => {
    // The prompt decoded without the special tokens its encoding added; eos tokens dropped.
    const lead = encoded[i].length - tok.encode(prompts[i], false).length;
    const text = tok.decode(ids.slice(Math.max(0, lead)).filter((t) => t !== tok.eosId));
    return text.normalize('NFKD').replaceAll('\n\n', ' ');
  });
}

export interface FluencySummary {
  /** ROME's weighted bi/tri-gram entropy (bits), mean over the texts. */
  ngramEntropy: number;
  records: number;
}

export async function fluency(
  runtime: ModelRuntime,
  tok: TextTokenizer,
  prompts: readonly string[],
  seed: number,
): Promise<FluencySummary> {
  const texts = await fluencyTexts(runtime, tok, prompts, seed);
  return { ngramEntropy: nGramEntropy(texts), records: texts.length };
}
