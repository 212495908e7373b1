/**
 * The pre-edit predictions a streamed run keeps (docs/design.md §2, "records streamed"): only what
 * the agreement metric reads later — each record's predicted locality tokens — in three flat int32
 * arrays indexed by the record's file position, 12 bytes a record for one-token answers, instead of
 * every metric's row scores in a Map. Its per-record scores go to disk (RunInputs.perRecord).
 */
import type { EditRecord } from '../types';
import type { RecordScores } from '../eval/evaluate';

/** The table as a checkpoint holds it. */
export interface PackedBaseline {
  start: Int32Array;
  length: Int32Array;
  tokens: Int32Array;
  used: number;
}

const KEY = 'specificity:';

export class BaselineTable {
  private start: Int32Array;
  private length: Int32Array;
  private tokens: Int32Array;
  private used: number;

  constructor(packed?: PackedBaseline) {
    this.start = packed?.start ?? new Int32Array(1024).fill(-1);
    this.length = packed?.length ?? new Int32Array(1024);
    this.tokens = packed?.tokens ?? new Int32Array(1024);
    this.used = packed?.used ?? 0;
  }

  /** Keeps the locality predictions of a pre-edit chunk's scores. */
  add(scores: RecordScores): void {
    for (const [key, row] of scores) {
      if (!key.startsWith(KEY)) continue;
      const index = Number(key.slice(KEY.length));
      if (!Number.isInteger(index)) continue;
      this.reserve(index, row.predicted.length);
      this.start[index] = this.used;
      this.length[index] = row.predicted.length;
      this.tokens.set(row.predicted, this.used);
      this.used += row.predicted.length;
    }
  }

  /** The baseline `evaluate` reads for these records' agreement (predictions only; nothing else of the rows is kept). */
  scoresFor(records: readonly EditRecord[]): RecordScores {
    const out: RecordScores = new Map();
    for (const r of records) {
      const s = r.index < this.start.length ? this.start[r.index] : -1;
      if (s < 0) continue;
      out.set(KEY + r.index, {
        tokenAccuracy: NaN,
        exact: false,
        predicted: Array.from(this.tokens.subarray(s, s + this.length[r.index])),
      });
    }
    return out;
  }

  packed(): PackedBaseline {
    return { start: this.start, length: this.length, tokens: this.tokens.subarray(0, this.used), used: this.used };
  }

  private reserve(index: number, n: number) {
    if (index >= this.start.length) {
      let size = this.start.length;
      while (size <= index) size *= 2;
      const start = new Int32Array(size).fill(-1);
      start.set(this.start);
      const length = new Int32Array(size);
      length.set(this.length);
      this.start = start;
      this.length = length;
    }
    if (this.used + n > this.tokens.length) {
      let size = this.tokens.length;
      while (size < this.used + n) size *= 2;
      const tokens = new Int32Array(size);
      tokens.set(this.tokens.subarray(0, this.used));
      this.tokens = tokens;
    }
  }
}
