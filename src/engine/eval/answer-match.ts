/**
 * How a generated answer is judged against the gold one (docs/design.md §2, WILD): exact match after
 * the usual normalization, and token-level F1 over the normalized words.
 *
 * `normalizeAnswer` is EasyEdit's `normalize_answer` (easyeditor/evaluate/evaluate_utils.py, itself
 * the SQuAD v1.1 evaluation script's): lower-case, drop ASCII punctuation (Python's
 * `string.punctuation`), replace the articles a/an/the standing as whole words by a space, collapse
 * whitespace. Python's `regex` module takes `\b` over Unicode word characters; JavaScript's `\b` is
 * ASCII-only even with the `u` flag, so the word boundary is written out with Unicode classes.
 *
 * `tokenF1` is the SQuAD v1.1 script's `f1_score` over those normalized words: the multiset
 * overlap, precision over the prediction's words, recall over the gold's, 0 when nothing is shared
 * (so two empty strings score 0, as there). EasyEdit's own `F1` is scikit-learn's macro F1 over token
 * ids of the first |target| generated tokens; the word-level form is the one QA evaluation uses and
 * does not depend on the tokenizer, so runs of different models compare.
 */

/** Python's string.punctuation. */
const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');
const ARTICLES = /(?<![\p{L}\p{N}\p{M}_])(?:a|an|the)(?![\p{L}\p{N}\p{M}_])/gu;

export function normalizeAnswer(s: string): string {
  const lower = s.toLowerCase();
  const noPunc = Array.from(lower)
    .filter((ch) => !PUNCTUATION.has(ch))
    .join('');
  const noArticles = noPunc.replace(ARTICLES, ' ');
  // Python's str.split() with no argument: runs of whitespace, no empty pieces.
  return noArticles.split(/\s+/u).filter(Boolean).join(' ');
}

export function exactMatch(prediction: string, gold: string): boolean {
  return normalizeAnswer(prediction) === normalizeAnswer(gold);
}

export function tokenF1(prediction: string, gold: string): number {
  const pred = normalizeAnswer(prediction).split(' ').filter(Boolean);
  const ref = normalizeAnswer(gold).split(' ').filter(Boolean);
  const counts = new Map<string, number>();
  for (const w of ref) counts.set(w, (counts.get(w) ?? 0) + 1);
  let same = 0;
  for (const w of pred) {
    const c = counts.get(w) ?? 0;
    if (c > 0) {
      same++;
      counts.set(w, c - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / pred.length;
  const recall = same / ref.length;
  return (2 * precision * recall) / (precision + recall);
}
