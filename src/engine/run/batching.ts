/**
 * Tokenization and grouping of a turn (docs/design.md §1 steps 1–2), exactly as UltraEdit does it:
 *
 *   p = tok(prompt)                    (with the tokenizer's default special tokens)
 *   a = tok(" " + answer)              (without)
 *   input_ids = p ++ a[:-1]
 *   labels    = [-100]·(|p|−1) ++ a    (already shifted: logits[i] is scored against labels[i])
 *
 * Records are sorted by |input_ids|, longest first, stably (ties keep their order in the turn), cut
 * into sub-batches of `subBatch` and right-padded with id 0, mask 0, label −100 (UltraEdit pads ids
 * with 0 whatever the pad token; padded positions are masked and never scored, so the id is moot).
 *
 * Evaluation scores (prompt, target) pairs with the same tokenization, so both go through
 * `buildSubBatches`; `editPairs` makes the pairs of a turn's edits.
 */
import { InputError, type EditRecord, type SubBatch, type TextTokenizer } from '../types';

export const IGNORE_INDEX = -100;

/** A text pair to tokenize: `id` is carried into SubBatch.records (an EditRecord.index for edits). */
export interface ScoringPair {
  id: number;
  prompt: string;
  target: string;
}

export interface TokenizedPair {
  id: number;
  inputIds: number[];
  labels: number[];
}

/** A SubBatch plus the flat label positions b·T + t (labels[b,t] ≠ −100), the rows the capture reads. */
export interface LabeledSubBatch extends SubBatch {
  labelPositions: Int32Array;
}

export interface BatchOptions {
  subBatch: number;
  /**
   * Round the padded length up to a multiple of this, so graph sessions built for a length can be
   * reused across sub-batches. Default 1 (off): the capture contract (docs/design.md §5) records
   * sub-batches padded to their own longest record, as UltraEdit does.
   */
  padMultiple?: number;
}

export function tokenizePair(tok: TextTokenizer, pair: ScoringPair): TokenizedPair {
  const p = tok.encode(pair.prompt, true);
  const a = tok.encode(' ' + pair.target, false);
  if (p.length === 0)
    throw new InputError(`record ${pair.id}`, `the prompt ${JSON.stringify(pair.prompt.slice(0, 60))} tokenizes to no tokens`);
  if (a.length === 0)
    throw new InputError(`record ${pair.id}`, `the target ${JSON.stringify(pair.target.slice(0, 60))} tokenizes to no tokens`);
  const inputIds = [...p, ...a.slice(0, -1)];
  const labels = [...new Array<number>(p.length - 1).fill(IGNORE_INDEX), ...a];
  return { id: pair.id, inputIds, labels };
}

/** Tokenize, sort longest first (stable), cut and pad. */
export function buildSubBatches(tok: TextTokenizer, pairs: readonly ScoringPair[], opts: BatchOptions): LabeledSubBatch[] {
  if (!(Number.isInteger(opts.subBatch) && opts.subBatch >= 1))
    throw new RangeError(`subBatch must be a positive integer, got ${opts.subBatch}`);
  const multiple = opts.padMultiple ?? 1;
  if (!(Number.isInteger(multiple) && multiple >= 1)) throw new RangeError(`padMultiple must be a positive integer, got ${multiple}`);
  // Array.prototype.sort is stable (ES2019), which keeps ties in turn order.
  const sorted = pairs.map((p) => tokenizePair(tok, p)).sort((x, y) => y.inputIds.length - x.inputIds.length);
  const out: LabeledSubBatch[] = [];
  for (let s = 0; s < sorted.length; s += opts.subBatch) out.push(padSubBatch(sorted.slice(s, s + opts.subBatch), multiple));
  return out;
}

/** A turn's edits as (prompt, answer) pairs keyed by EditRecord.index. */
export function editPairs(records: readonly EditRecord[]): ScoringPair[] {
  return records.map((r) => ({ id: r.index, prompt: r.prompt, target: r.answer }));
}

function padSubBatch(rows: TokenizedPair[], multiple: number): LabeledSubBatch {
  const batch = rows.length;
  const longest = Math.max(...rows.map((r) => r.inputIds.length));
  const seqLen = Math.ceil(longest / multiple) * multiple;
  const inputIds = new Int32Array(batch * seqLen);
  const attentionMask = new Int32Array(batch * seqLen);
  const labels = new Int32Array(batch * seqLen).fill(IGNORE_INDEX);
  const positions: number[] = [];
  rows.forEach((r, b) => {
    const base = b * seqLen;
    inputIds.set(r.inputIds, base);
    attentionMask.fill(1, base, base + r.inputIds.length);
    labels.set(r.labels, base);
    r.labels.forEach((l, t) => {
      if (l !== IGNORE_INDEX) positions.push(base + t);
    });
  });
  return { batch, seqLen, inputIds, attentionMask, labels, records: rows.map((r) => r.id), labelPositions: Int32Array.from(positions) };
}

export interface TokenRow {
  ids: number[];
  /** Labels per position (already shifted), −100 where none. */
  labels?: number[];
}

/** Rows right-padded with id 0, mask 0, label −100 into one SubBatch (`records` names them in errors). */
export function rowsBatch(rows: readonly TokenRow[], records: number[]): SubBatch {
  const B = rows.length;
  const T = Math.max(...rows.map((r) => r.ids.length));
  const inputIds = new Int32Array(B * T);
  const attentionMask = new Int32Array(B * T);
  const labels = new Int32Array(B * T).fill(-100);
  const positions: number[] = [];
  rows.forEach((r, b) => {
    inputIds.set(r.ids, b * T);
    attentionMask.fill(1, b * T, b * T + r.ids.length);
    r.labels?.forEach((l, t) => {
      if (l === -100) return;
      labels[b * T + t] = l;
      positions.push(b * T + t);
    });
  });
  return { batch: B, seqLen: T, inputIds, attentionMask, labels, labelPositions: Int32Array.from(positions), records };
}
