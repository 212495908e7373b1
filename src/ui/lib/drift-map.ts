/**
 * The drift map (the paper's Fig. 3, docs/design.md §2): a 2-D UMAP (umap-js) fitted on the drift
 * prompts' pre-edit final-layer states, and the current states placed against that fixed embedding
 * with umap-js's transform (so the pre-edit points never move and a drifted prompt shows as a point
 * away from its pre-edit place). Seeded: UMAP's random draws come from the lab's Rng, so the same
 * run draws the same map.
 *
 * The fit runs in chunks of epochs (`step`), so the page stays responsive while it optimizes.
 */
import { UMAP } from 'umap-js';
import type { HiddenStates } from '../../engine/eval/drift';
import { Rng } from '../../engine/util/rng';

export const DRIFT_MAP_SEED = 20_240_917;

export function rows(h: HiddenStates): number[][] {
  return Array.from({ length: h.n }, (_, i) => Array.from(h.data.subarray(i * h.dim, (i + 1) * h.dim)));
}

export interface DriftMapFit {
  /** Pre-edit points, [n][2]. */
  pre: number[][];
  /** Current states placed on the pre-edit embedding. */
  place(now: HiddenStates): number[][];
}

/** Fit the map on the pre-edit states; `yieldEvery` epochs at a time, awaiting `pause` between chunks. */
export async function fitDriftMap(
  pre: HiddenStates,
  opts: { seed?: number; yieldEvery?: number; pause?: () => Promise<void>; cancelled?: () => boolean } = {},
): Promise<DriftMapFit | null> {
  const rng = new Rng(opts.seed ?? DRIFT_MAP_SEED);
  const umap = new UMAP({ nComponents: 2, nNeighbors: Math.max(2, Math.min(15, pre.n - 1)), random: () => rng.uniform() });
  const epochs = umap.initializeFit(rows(pre));
  const every = opts.yieldEvery ?? 25;
  for (let e = 0; e < epochs; e++) {
    umap.step();
    if (opts.pause && (e + 1) % every === 0) {
      await opts.pause();
      if (opts.cancelled?.()) return null;
    }
  }
  return { pre: umap.getEmbedding().map((p) => [p[0], p[1]]), place: (now) => umap.transform(rows(now)).map((p) => [p[0], p[1]]) };
}
