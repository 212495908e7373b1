/**
 * Modules whose weights have the same shape share one set of Σ statistics, so every Σ-derived
 * diagnostic (condition number, λmax, mean and covariance drift) is identical for them and their lines
 * would lie exactly on top of each other. These helpers find such series so a chart can draw one line
 * per group and say which modules it stands for.
 */
import type { ModuleMetric, Series } from './series';

export const SIGMA_METRICS: ReadonlySet<ModuleMetric> = new Set(['conditionNumber', 'lambdaMax', 'meanDrift', 'covDrift']);

/** Same x and y at every point (NaN equal to NaN), with at least one finite y. */
function identical(a: Series, b: Series): boolean {
  if (a.xs.length !== b.xs.length) return false;
  let finite = false;
  for (let i = 0; i < a.xs.length; i++) {
    if (a.xs[i] !== b.xs[i]) return false;
    const [u, v] = [a.ys[i], b.ys[i]];
    if (Number.isNaN(u) && Number.isNaN(v)) continue;
    if (u !== v) return false;
    finite = true;
  }
  return finite;
}

/** Groups of identical series of one run, in input order; each group is drawn as its first member. */
export function identicalGroups(series: readonly Series[]): Series[][] {
  const groups: Series[][] = [];
  for (const s of series) {
    const g = groups.find((g) => g[0].runId === s.runId && identical(g[0], s));
    if (g) g.push(s);
    else groups.push([s]);
  }
  return groups;
}
