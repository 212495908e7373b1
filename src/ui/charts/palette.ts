/**
 * Series colours are literal values, not CSS variables, because PNG export draws the SVG on its own,
 * outside the page's stylesheet. Okabe–Ito, readable on light and dark backgrounds and for common
 * colour-vision deficiencies.
 */
const COLORS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#999999'];
const DASHES = [undefined, '6 3', '2 3', '10 3 2 3'];

/**
 * A run keeps one colour everywhere (every chart, its swatch in the run list), by its place in the
 * list of runs; the modules of a run are told apart by dash.
 */
export function runColor(runIndex: number): string {
  return COLORS[runIndex % COLORS.length];
}

export function moduleDash(moduleIndex: number): string | undefined {
  return DASHES[moduleIndex % DASHES.length];
}
