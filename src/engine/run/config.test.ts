import { describe, expect, it } from 'vitest';
import { DEMO_RUN } from '../lab/demo-defaults';
import { buildSchedule } from './schedule';
import { validateEditorSettings, validateRunConfig } from './config';

describe('validateRunConfig', () => {
  it('names each bad field', () => {
    const bad = validateRunConfig({ ...DEMO_RUN, lr: -1e-3, ridge: 0, turns: 0, subBatch: 0, checkpointEvery: -1, editor: 'rome' });
    expect(Object.keys(bad).sort()).toEqual(['checkpointEvery', 'editor', 'lr', 'ridge', 'subBatch', 'turns']);
    expect(validateEditorSettings({ editor: 'ft', lr: NaN, ridge: 1 })).toEqual({ lr: 'must be a positive number (got NaN)' });
  });

  it('with record counts, says when the schedule does not fit the data — exactly when buildSchedule would throw', () => {
    for (const [turns, nEdits, records, warmupTurns, warmupRecords] of [
      [5, 20, 100, 0, 0],
      [6, 20, 100, 0, 0],
      [undefined, 30, 20, 0, 0],
      [2, 10, 20, 2, 20],
      [2, 10, 20, 3, 20],
      [500, 2, 1000, 0, 0],
      [501, 2, 1000, 0, 0],
    ] as const) {
      const c = { ...DEMO_RUN, turns, nEdits, warmupTurns };
      const bad = validateRunConfig(c, { targetRecords: records, warmupRecords });
      let throws = false;
      try {
        const s = buildSchedule({ targetRecords: records, nEdits, turns, warmupRecords, warmupTurns });
        throws = s.every((t) => t.kind !== 'target');
      } catch {
        throws = true;
      }
      expect(Object.keys(bad).length > 0, JSON.stringify({ turns, nEdits, records, warmupTurns, bad })).toBe(throws);
    }
    expect(validateRunConfig({ ...DEMO_RUN, turns: 500, nEdits: 2 }, { targetRecords: 999 }).turns).toBe(
      '500 turns of 2 edits need 1000 records; the edit stream has 999',
    );
  });
});
