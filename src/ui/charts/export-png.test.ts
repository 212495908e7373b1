import { describe, expect, it } from 'vitest';
import { legendLayout } from './export-png';

describe('legendLayout (the legend drawn into exported PNGs)', () => {
  const entry = (label: string) => ({ label, stroke: '#000' });
  const measure = (t: string) => t.length * 10;

  it('places every entry, left to right, wrapping at the image width', () => {
    // each entry: 26 (sample) + label + 16 (gap) = 142 px for 10-character labels
    const placed = legendLayout(['run A · l2', 'run B · l2', 'run C · l2'].map(entry), 320, measure);
    expect(placed.map((p) => [p.x, p.row])).toEqual([
      [12, 0],
      [154, 0],
      [12, 1],
    ]);
    expect(placed.map((p) => p.entry.label)).toEqual(['run A · l2', 'run B · l2', 'run C · l2']);
  });

  it('puts an entry wider than the image on a row of its own instead of dropping it', () => {
    const placed = legendLayout([entry('x'.repeat(50)), entry('y')], 100, measure);
    expect(placed.map((p) => p.row)).toEqual([0, 1]);
  });
});
