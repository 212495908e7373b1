import { describe, expect, it } from 'vitest';
import { scoreRows } from './token-accuracy';
import type { SubBatch } from '../types';

describe('token accuracy', () => {
  it('gives partial credit per row and exact match only when every label token is right', () => {
    // row 0: labels at t=1,2 (values 7, 8); row 1: label at t=2 (value 9)
    const labels = new Int32Array([-100, 7, 8, -100, -100, 9]);
    const sb: SubBatch = {
      batch: 2,
      seqLen: 3,
      inputIds: new Int32Array(6),
      attentionMask: new Int32Array(6).fill(1),
      labels,
      labelPositions: new Int32Array([1, 2, 5]),
      records: [0, 1],
    };
    const rows = scoreRows(sb, new Int32Array([7, 3, 9]));
    expect(rows[0].tokenAccuracy).toBe(0.5);
    expect(rows[0].exact).toBe(false);
    expect(rows[0].predicted).toEqual([7, 3]);
    expect(rows[1].tokenAccuracy).toBe(1);
    expect(rows[1].exact).toBe(true);
    expect(() => scoreRows(sb, new Int32Array([7]))).toThrow(/expected 3 predictions/);
  });
});
