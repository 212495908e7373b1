import { describe, expect, it } from 'vitest';
import type { MetricsRecord, RunReport } from '../../engine/run/events';
import { comparisonRows, scoresOf, type ComparableRun } from './comparison';

const rec = (protocol: MetricsRecord['protocol'], edits: number, eff: number, spe?: number): MetricsRecord => ({
  protocol,
  edits,
  metrics: {
    efficacy: { tokenAccuracy: eff, exactMatch: eff / 2, records: 10 },
    ...(spe === undefined ? {} : { specificity: { tokenAccuracy: spe, exactMatch: 0, records: 10 } }),
  },
});
const report = (final: MetricsRecord, preEdit?: MetricsRecord): RunReport => ({
  editor: 'stableedit',
  targetEdits: final.edits,
  warmupEdits: 0,
  final,
  preEdit,
  seconds: 1,
  turnsPerSecond: 1,
  editsPerSecond: 1,
});

describe('comparison rows', () => {
  const finished: ComparableRun = {
    id: 'a',
    label: 'A',
    metrics: [rec('sample', 100, 0.5)],
    report: report(rec('final', 200, 0.8734, 0.4), rec('pre-edit', 0, 0.3)),
  };
  const going: ComparableRun = {
    id: 'b',
    label: 'B',
    metrics: [rec('pre-edit', 0, 0.31), rec('sample', 100, 0.9), rec('sample', 150, 0.85, 0.5)],
  };

  it('a finished run shows its final scores; a running one its latest sample', () => {
    expect(scoresOf(finished)?.protocol).toBe('final');
    expect(scoresOf(going)).toEqual(going.metrics[2]);
    expect(scoresOf({ id: 'c', label: 'C', metrics: [] })).toBeUndefined();
  });

  it('percent per paper column, best per column, pre-edit row from the first run that has one', () => {
    const { preEdit, rows } = comparisonRows([finished, going], 'tokenAccuracy');
    expect(rows[0].values[0]).toBeCloseTo(87.34, 10);
    expect(rows[0].values.slice(3)).toEqual([undefined, undefined, undefined]); // personas, reasoning, portability not measured
    expect(rows[1].protocol).toBe('sample');
    expect(rows[1].edits).toBe(150);
    expect(rows[0].best.slice(0, 3)).toEqual([true, false, false]);
    expect(rows[1].best.slice(0, 3)).toEqual([false, false, true]);
    expect(preEdit?.values[0]).toBeCloseTo(30, 10);
    const exact = comparisonRows([finished], 'exactMatch');
    expect(exact.rows[0].values[0]).toBeCloseTo(43.67, 10);
    expect(exact.rows[0].best.every((b) => !b)).toBe(true); // one run: nothing to single out
  });
});
