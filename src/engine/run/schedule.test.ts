import { describe, expect, it } from 'vitest';
import { buildSchedule, scheduleProblem } from './schedule';

const kinds = (s: ReturnType<typeof buildSchedule>) => s.map((t) => (t.kind === 'warmup' ? `w${t.turn}` : `t${t.turn}`)).join(' ');

describe('run schedule', () => {
  it('places the warm-up block at each placement of an 8-turn stream', () => {
    const base = { targetRecords: 80, nEdits: 10, warmupRecords: 20, warmupTurns: 2 };
    expect(kinds(buildSchedule({ ...base, placement: 'start' }))).toBe('w0 w1 t0 t1 t2 t3 t4 t5 t6 t7');
    expect(kinds(buildSchedule({ ...base, placement: 'q1' }))).toBe('t0 t1 w0 w1 t2 t3 t4 t5 t6 t7');
    expect(kinds(buildSchedule({ ...base, placement: 'middle' }))).toBe('t0 t1 t2 t3 w0 w1 t4 t5 t6 t7');
    expect(kinds(buildSchedule({ ...base, placement: 'q3' }))).toBe('t0 t1 t2 t3 t4 t5 w0 w1 t6 t7');
    expect(kinds(buildSchedule({ ...base, placement: 'end' }))).toBe('t0 t1 t2 t3 t4 t5 t6 t7 w0 w1');
  });

  it('gives record ranges per stream and consecutive steps', () => {
    const s = buildSchedule({ targetRecords: 35, nEdits: 10, warmupRecords: 10, warmupTurns: 1 });
    expect(s.map((t) => [t.step, t.start, t.end])).toEqual([
      [0, 0, 10],
      [1, 0, 10],
      [2, 10, 20],
      [3, 20, 30],
    ]);
  });

  it('refuses more turns or warm-up than the records allow, saying how many are needed', () => {
    expect(() => buildSchedule({ targetRecords: 35, nEdits: 10, turns: 4 })).toThrow(/need 40 records; the edit stream has 35/);
    // a stream shorter than one turn cannot run at all (it used to make an empty schedule)
    expect(() => buildSchedule({ targetRecords: 1, nEdits: 20 })).toThrow('1 turn of 20 edits needs 20 records; the edit stream has 1');
    expect(scheduleProblem({ targetRecords: 100, nEdits: 20, turns: 5 })).toBeNull();
    expect(() => buildSchedule({ targetRecords: 40, nEdits: 10, warmupTurns: 2, warmupRecords: 15 })).toThrow(/warm-up source has 15/);
  });
});
