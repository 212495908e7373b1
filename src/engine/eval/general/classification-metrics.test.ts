/**
 * scikit-learn's weighted F1 and Matthews correlation, as the reference reports them, on cases
 * worked by hand (the arithmetic in the comments), and MCC against the binary closed form.
 */
import { describe, expect, it } from 'vitest';
import { matthews, weightedF1 } from './classification-metrics';

describe('weighted F1 (sklearn average="weighted")', () => {
  it('a binary case by hand', () => {
    // labels 1 1 1 0 0, predictions 1 0 1 0 1
    // class 1: tp 2, fp 1, fn 1 → F1 = 4/6; support 3.  class 0: tp 1, fp 1, fn 1 → F1 = 2/4; support 2
    // weighted: (3·2/3 + 2·1/2) / 5 = 3/5
    expect(weightedF1([1, 1, 1, 0, 0], [1, 0, 1, 0, 1])).toBeCloseTo(0.6, 15);
  });
  it('an invalid answer (−1) weighs nothing but costs its true class recall', () => {
    // labels 1 1 0 0, predictions 1 −1 0 −1
    // class 1: tp 1, fn 1 → F1 = 2/3; class 0 the same; class −1: support 0
    // weighted: (2·2/3 + 2·2/3) / 4 = 2/3
    expect(weightedF1([1, 1, 0, 0], [1, -1, 0, -1])).toBeCloseTo(2 / 3, 15);
    // everything invalid: every F1 is 0
    expect(weightedF1([1, 0, 1], [-1, -1, -1])).toBe(0);
  });
  it('four classes (MMLU)', () => {
    // labels 0 1 2 3 3, predictions 0 1 3 3 −1
    // 0: F1 1 (1); 1: F1 1 (1); 2: tp 0 → 0 (1); 3: tp 1, fp 1, fn 1 → 1/2 (2)
    // weighted: (1 + 1 + 0 + 2·1/2) / 5 = 3/5
    expect(weightedF1([0, 1, 2, 3, 3], [0, 1, 3, 3, -1])).toBeCloseTo(0.6, 15);
  });
});

describe('Matthews correlation (sklearn matthews_corrcoef)', () => {
  const binary = (y: number[], p: number[]) => {
    let tp = 0,
      tn = 0,
      fp = 0,
      fn = 0;
    y.forEach((l, i) => {
      if (l === 1 && p[i] === 1) tp++;
      else if (l === 0 && p[i] === 0) tn++;
      else if (p[i] === 1) fp++;
      else fn++;
    });
    return (tp * tn - fp * fn) / Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
  };
  it('equals the binary closed form (tp·tn − fp·fn)/√(…)', () => {
    const y = [1, 1, 1, 0, 0, 0, 1, 0];
    const p = [1, 0, 1, 0, 1, 0, 1, 1];
    expect(matthews(y, p)).toBeCloseTo(binary(y, p), 14);
    // by hand: tp 3, tn 2, fp 2, fn 1 → (6 − 2)/√(5·4·4·3) = 4/√240
    expect(matthews(y, p)).toBeCloseTo(4 / Math.sqrt(240), 14);
  });
  it('K classes, with an invalid prediction, by hand', () => {
    // labels 0 1 2 2, predictions 0 2 2 −1: t = (0:1, 1:1, 2:2, −1:0), p = (0:1, 1:0, 2:2, −1:1)
    // c = 2, s = 4: (2·4 − (1 + 0 + 4 + 0)) / √((16 − (1 + 0 + 4 + 1))(16 − (1 + 1 + 4))) = 3/10
    expect(matthews([0, 1, 2, 2], [0, 2, 2, -1])).toBeCloseTo(0.3, 15);
  });
  it('is 0 when a side is constant (zero denominator)', () => {
    expect(matthews([1, 0, 1], [1, 1, 1])).toBe(0);
    expect(matthews([1, 1], [1, 0])).toBe(0);
  });
});
