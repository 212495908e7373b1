import { describe, expect, it } from 'vitest';
import { chartTitle, formatValue, shortModule } from './labels';
import { moduleDash, runColor } from './palette';

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

  it('tells runs apart by colour (the same in every chart and the run list), modules by dash', () => {
    expect(new Set([0, 1, 2, 3, 4, 5, 6, 7].map(runColor)).size).toBe(8);
    expect(runColor(9)).toBe(runColor(1));
    expect(new Set([0, 1, 2, 3].map(moduleDash)).size).toBe(4);
    expect(moduleDash(0)).toBeUndefined(); // the first module is drawn solid
  });
});
