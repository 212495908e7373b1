import { describe, expect, it } from 'vitest';
import { countOf, formatDuration } from './format';

describe('format', () => {
  it('makes the noun agree with the count', () => {
    expect(countOf(1, 'edit')).toBe('1 edit');
    expect(countOf(1000, 'edit')).toBe('1,000 edits');
    expect(countOf(0, 'record')).toBe('no records');
    expect(countOf(2, 'turn of 20', 'turns of 20')).toBe('2 turns of 20');
  });

  it('writes durations a person reads', () => {
    expect(formatDuration(42.4)).toBe('42 s');
    expect(formatDuration(185)).toBe('3 min 5 s');
    expect(formatDuration(3720)).toBe('1 h 2 min');
  });
});
