/**
 * Series colours are literal values, not CSS variables, because PNG export draws the SVG on its own,
 * outside the page's stylesheet. Okabe–Ito, readable on light and dark backgrounds and for common
 * colour-vision deficiencies.
 */
const COLORS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#999999'];
const DASHES = [undefined, '6 3', '2 3', '10 3 2 3'];

/**
 * One run: colour by module. One module (or a per-run metric): colour by run. Both several: colour
 * by run, dash by module.
 */
export function seriesStyle(runIndex: number, moduleIndex: number, runs: number, modules: number): { stroke: string; dash?: string } {
  if (runs <= 1) return { stroke: COLORS[moduleIndex % COLORS.length] };
  if (modules <= 1) return { stroke: COLORS[runIndex % COLORS.length] };
  return { stroke: COLORS[runIndex % COLORS.length], dash: DASHES[moduleIndex % DASHES.length] };
}
