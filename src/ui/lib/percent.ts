/**
 * The page's one unit for scores: percent. The engine scores in fractions (0–1, as the paper's code
 * does); everything the page shows — charts, their CSV, the comparison table — is 100 × that, so a
 * chart's axis and the table beside it read the same numbers.
 */
export function toPercent(fraction: number): number {
  return 100 * fraction;
}

/** A score axis never leaves [0, 100]. */
export const PERCENT_BOUNDS: readonly [number, number] = [0, 100];

/**
 * A y range kept inside `bounds`, at least `minSpan` wide (a flat line gets room around it without
 * leaving the bounds: an all-zero accuracy sits on 0–minSpan, not on −0.5…0.5).
 */
export function boundedDomain(domain: readonly [number, number], bounds: readonly [number, number], minSpan: number): [number, number] {
  const [lo, hi] = bounds;
  let a = Math.max(lo, Math.min(hi, domain[0]));
  let b = Math.max(lo, Math.min(hi, domain[1]));
  const span = Math.min(minSpan, hi - lo);
  if (b - a < span) {
    const mid = (a + b) / 2;
    a = Math.max(lo, Math.min(mid - span / 2, hi - span));
    b = a + span;
  }
  return [a, b];
}
