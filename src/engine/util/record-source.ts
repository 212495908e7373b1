/**
 * A stream of edit records read by position, so a run can hold only what its protocol needs: the
 * records of the turn at hand, a chunk of an evaluation, a sample (docs/design.md §2, "records
 * streamed"). The page and the tests hand the run an array (`arraySource`); the CLI a JSON Lines file
 * read again by byte range (data/indexed-records.ts).
 */
import type { EditRecord } from '../types';

export interface RecordSource {
  readonly length: number;
  /** Records at positions [start, end), in order (end clamped to the length). */
  range(start: number, end: number): Promise<EditRecord[]>;
  /** Records at the given positions, in the order given. */
  at(positions: readonly number[]): Promise<EditRecord[]>;
}

export function isRecordSource(x: readonly EditRecord[] | RecordSource): x is RecordSource {
  return !Array.isArray(x);
}

export function arraySource(records: readonly EditRecord[]): RecordSource {
  return {
    length: records.length,
    range: async (start, end) => records.slice(start, end),
    at: async (positions) => positions.map((p) => records[p]),
  };
}

export function asRecordSource(x: readonly EditRecord[] | RecordSource): RecordSource {
  return isRecordSource(x) ? x : arraySource(x);
}

/** Positions [start, end) of a source, as a source of its own. */
export function sourceView(source: RecordSource, start: number, end: number): RecordSource {
  const from = Math.max(0, Math.min(start, source.length));
  const to = Math.max(from, Math.min(end, source.length));
  return {
    length: to - from,
    range: (a, b) => source.range(from + Math.max(0, a), from + Math.min(b, to - from)),
    at: (positions) => source.at(positions.map((p) => from + p)),
  };
}

/** 0 … n − 1, for seeded draws of positions (Rng.shuffle permutes them as it would the records themselves). */
export function positions(n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
