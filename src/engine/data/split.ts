/** Deterministic train/eval splits and seeded shuffles of loaded records. */
import { Rng } from '../util/rng';

/** A shuffled copy; the same seed gives the same order. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  return new Rng(seed).shuffle(items.slice());
}

export interface SplitOptions {
  /** Size of the eval part: a fraction in (0, 1) (rounded to the nearest count) or a count (integer ≥ 0). */
  eval: number;
  /** Shuffle with this seed before splitting; without it the split keeps file order. */
  shuffleSeed?: number;
}

/** `train` is the first n − k items (in file or shuffled order), `eval` the last k. */
export function splitTrainEval<T>(items: readonly T[], opts: SplitOptions): { train: T[]; eval: T[] } {
  const n = items.length;
  const e = opts.eval;
  let k: number;
  if (e > 0 && e < 1) k = Math.round(n * e);
  else if (Number.isInteger(e) && e >= 0) k = e;
  else throw new RangeError(`eval split must be a fraction in (0, 1) or a whole count, got ${e}`);
  if (k > n) throw new RangeError(`eval split of ${k} records is larger than the ${n} records there are`);
  const order = opts.shuffleSeed === undefined ? items.slice() : shuffled(items, opts.shuffleSeed);
  return { train: order.slice(0, n - k), eval: order.slice(n - k) };
}
