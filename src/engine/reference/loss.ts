/**
 * The capture loss (docs/design.md §1 step 3): mean cross-entropy over every label position of the
 * sub-batch, pooled (not averaged per record). Labels are already shifted: logits[b,t] is scored
 * against labels[b,t]; −100 is ignored.
 */
export const IGNORE_INDEX = -100;

/** logits [B·T, V] flat, labels [B·T]. No label positions → NaN, as torch's mean over nothing. */
export function meanCrossEntropy(logits: ArrayLike<number>, labels: ArrayLike<number>, vocab: number): number {
  let sum = 0;
  let count = 0;
  for (let r = 0; r < labels.length; r++) {
    const y = labels[r];
    if (y === IGNORE_INDEX) continue;
    if (!(y >= 0 && y < vocab)) throw new RangeError(`label ${y} at row ${r} is outside the vocabulary [0, ${vocab})`);
    sum += logSumExp(logits, r * vocab, vocab) - logits[r * vocab + y];
    count++;
  }
  return sum / count;
}

export function logSumExp(x: ArrayLike<number>, off: number, n: number): number {
  let m = -Infinity;
  for (let i = 0; i < n; i++) m = Math.max(m, x[off + i]);
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(x[off + i] - m);
  return m + Math.log(s);
}
