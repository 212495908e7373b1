import { describe, expect, it } from 'vitest';
import { chartTitle, formatValue, shortModule } from './labels';
import { seriesStyle } from './palette';

describe('chart labels', () => {
  it('shortens Hugging Face module paths to layer + tail, leaves others alone', () => {
    expect(shortModule('model.layers.28.mlp.down_proj')).toBe('28.mlp.down_proj');
    expect(shortModule('transformer.h.1.mlp.c_proj')).toBe('1.mlp.c_proj');
    expect(shortModule('lm_head')).toBe('lm_head');
  });

  it('formats values with 4 significant digits, exponent outside [1e-3, 1e5)', () => {
    expect(formatValue(0.123456)).toBe('0.1235');
    expect(formatValue(12345.6)).toBe('12350');
    expect(formatValue(2.5e-5)).toBe('2.5e-5');
    expect(formatValue(1e10)).toBe('1e+10');
    expect(formatValue(0)).toBe('0');
    expect(formatValue(NaN)).toBe('—');
    expect(formatValue(undefined)).toBe('—');
  });

  it('titles eval charts with protocol and metric', () => {
    expect(chartTitle({ kind: 'eval', metric: 'efficacy', protocol: 'immediate', measure: 'exactMatch' })).toBe(
      'Efficacy — immediate, exact match',
    );
  });

  it('tells runs apart by colour, modules by colour (one run) or dash (several runs)', () => {
    expect(seriesStyle(0, 0, 1, 3).stroke).not.toBe(seriesStyle(0, 1, 1, 3).stroke);
    expect(seriesStyle(0, 0, 2, 1).stroke).not.toBe(seriesStyle(1, 0, 2, 1).stroke);
    const a = seriesStyle(1, 0, 2, 2);
    const b = seriesStyle(1, 1, 2, 2);
    expect(a.stroke).toBe(b.stroke);
    expect(a.dash).not.toBe(b.dash);
  });
});
