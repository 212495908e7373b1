/**
 * Graph sessions are shape-static, so every distinct (batch, length, label count) would otherwise cost
 * a fresh ONNX emission and session. Lengths are rounded up to a multiple of 8 (extra columns are
 * padding: id 0, mask 0, label −100 — masked keys, never-scored queries) and position counts to a
 * coarse grid (extra score positions are computed and dropped; extra capture positions are −1, rows
 * the capture graph's loss ignores). Both paddings leave the real rows' numbers unchanged;
 * runtime.test.ts and capture-buckets.test.ts check it against the float64 reference.
 */
import { InputError, type SubBatch } from '../types';

export const LENGTH_MULTIPLE = 8;

/** Fills a capture's label positions up to its bucket: an ignored row (graph/models/transformer.ts). */
export const PADDED_LABEL_POSITION = -1;

/** Smallest multiple of 8 ≥ n, capped at `max` (GPT-2's learned positions end there). */
export function lengthBucket(n: number, max = Infinity): number {
  return Math.min(Math.ceil(n / LENGTH_MULTIPLE) * LENGTH_MULTIPLE, Math.max(n, max));
}

/**
 * Position counts: multiples of 8 up to 64, then steps of 2^(⌊log2 n⌋−2) (16 up to 127, 32 up to
 * 255, …), so padding wastes at most a quarter of the rows while a run meets only a few sizes.
 */
export function countBucket(n: number): number {
  if (n <= 0) return 1;
  const step = Math.max(LENGTH_MULTIPLE, 2 ** (Math.floor(Math.log2(n)) - 2));
  return Math.ceil(n / step) * step;
}

/** A sub-batch re-laid to a longer row length; label positions are remapped, their order kept. */
export function padLength<T extends SubBatch>(sb: T, seqLen: number): T {
  const { batch: B, seqLen: T0 } = sb;
  if (seqLen === T0) return sb;
  if (seqLen < T0) throw new RangeError(`padLength: ${seqLen} < ${T0}`);
  const inputIds = new Int32Array(B * seqLen);
  const attentionMask = new Int32Array(B * seqLen);
  const labels = new Int32Array(B * seqLen).fill(-100);
  for (let b = 0; b < B; b++) {
    inputIds.set(sb.inputIds.subarray(b * T0, (b + 1) * T0), b * seqLen);
    attentionMask.set(sb.attentionMask.subarray(b * T0, (b + 1) * T0), b * seqLen);
    labels.set(sb.labels.subarray(b * T0, (b + 1) * T0), b * seqLen);
  }
  const labelPositions = sb.labelPositions.map((p) => Math.floor(p / T0) * seqLen + (p % T0));
  return { ...sb, seqLen, inputIds, attentionMask, labels, labelPositions };
}

/** `xs` followed by `fill` up to length n. */
export function padInts(xs: Int32Array, n: number, fill: number): Int32Array {
  if (xs.length === n) return xs;
  const out = new Int32Array(n).fill(fill);
  out.set(xs);
  return out;
}

/** Checks a sub-batch's arrays against its shape and the vocabulary before anything is run. */
export function checkSubBatch(sb: SubBatch, vocabSize: number, where = `sub-batch of records [${sb.records.join(', ')}]`): void {
  const n = sb.batch * sb.seqLen;
  if (!(sb.batch >= 1 && sb.seqLen >= 1)) throw new InputError(where, `has shape [${sb.batch}, ${sb.seqLen}]`);
  for (const [name, a] of [
    ['input_ids', sb.inputIds],
    ['attention_mask', sb.attentionMask],
    ['labels', sb.labels],
  ] as const) {
    if (a.length !== n) throw new InputError(where, `${name} has ${a.length} entries, expected ${sb.batch}×${sb.seqLen}`);
  }
  for (let i = 0; i < n; i++) {
    const id = sb.inputIds[i];
    if (id < 0 || id >= vocabSize)
      throw new InputError(
        where,
        `input id ${id} at row ${Math.floor(i / sb.seqLen)}, position ${i % sb.seqLen} is outside the vocabulary [0, ${vocabSize})`,
      );
    const l = sb.labels[i];
    if (l !== -100 && (l < 0 || l >= vocabSize))
      throw new InputError(
        where,
        `label ${l} at row ${Math.floor(i / sb.seqLen)}, position ${i % sb.seqLen} is outside the vocabulary [0, ${vocabSize})`,
      );
  }
  let prev = -1;
  for (const p of sb.labelPositions) {
    if (!(p > prev && p < n))
      throw new InputError(where, `label positions must be increasing and inside [0, ${n}); got ${p} after ${prev}`);
    if (sb.labels[p] === -100) throw new InputError(where, `label position ${p} has no label (−100)`);
    prev = p;
  }
}
