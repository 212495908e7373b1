/**
 * Series colours are literal values, not CSS variables, because PNG export draws the SVG on its own,
 * outside the page's stylesheet. Okabe–Ito, readable on light and dark backgrounds and for common
 * colour-vision deficiencies.
 */
const COLORS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#999999'];
const DASHES = [undefined, '6 3', '2 3', '10 3 2 3'];

/**
 * A run keeps one colour everywhere (every chart, its swatch in the run list and the comparison
 * table), by the palette slot it was given when it joined the list (runs/store.ts); the modules of a
 * run are told apart by dash.
 */
export function runColor(slot: number): string {
  return COLORS[slot % COLORS.length];
}

/** Each run's colour by id: its own slot, or its place in the list for a run that has none. */
export function runColors(runs: readonly { id: string; colorSlot?: number }[]): Map<string, string> {
  return new Map(runs.map((r, i) => [r.id, runColor(r.colorSlot ?? i)]));
}

export function moduleDash(moduleIndex: number): string | undefined {
  return DASHES[moduleIndex % DASHES.length];
}
