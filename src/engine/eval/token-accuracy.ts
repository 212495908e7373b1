/**
 * UltraEdit's score (docs/design.md §2): teacher-forced top-1 accuracy over a record's label positions,
 * with partial credit; exact match is the stricter "every answer token right".
 */
import type { SubBatch } from '../types';

export interface RowScore {
  /** Fraction of label positions whose argmax equals the label. */
  tokenAccuracy: number;
  /** All label positions right. */
  exact: boolean;
  /** Predicted tokens at the label positions (for the per-edit export). */
  predicted: number[];
}

/** Score each row of a sub-batch from the predictions at its label positions (labelPositions order). */
export function scoreRows(sb: SubBatch, predictions: Int32Array): RowScore[] {
  if (predictions.length !== sb.labelPositions.length)
    throw new Error(`expected ${sb.labelPositions.length} predictions, got ${predictions.length}`);
  const rows: RowScore[] = Array.from({ length: sb.batch }, () => ({ tokenAccuracy: 0, exact: true, predicted: [] }));
  const counts = new Array<number>(sb.batch).fill(0);
  for (let i = 0; i < predictions.length; i++) {
    const pos = sb.labelPositions[i];
    const b = Math.floor(pos / sb.seqLen);
    const hit = predictions[i] === sb.labels[pos];
    rows[b].tokenAccuracy += hit ? 1 : 0;
    rows[b].exact &&= hit;
    rows[b].predicted.push(predictions[i]);
    counts[b]++;
  }
  for (let b = 0; b < sb.batch; b++) {
    if (counts[b] === 0) throw new Error(`row ${b} of the sub-batch has no label positions`);
    rows[b].tokenAccuracy /= counts[b];
  }
  return rows;
}

export function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}
