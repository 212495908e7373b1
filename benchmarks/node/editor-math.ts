/**
 * Editor-math timing on the float64 backend, dual vs primal side by side.
 * Run: `npx tsx benchmarks/node/editor-math.ts [dIn dOut N]`.
 */
import { ridgeSolveDual, ridgeSolvePrimal } from '../../src/engine/linalg/ridge';
import { relativeError } from '../../src/engine/linalg/test-matrices';
import { Rng } from '../../src/engine/util/rng';
import { StableEditNormalizer } from '../../src/engine/editors/normalizers/stableedit';
import { valueTargets } from '../../src/engine/editors/values';

const [dIn, dOut, N] = process.argv.slice(2).map(Number).concat([2048, 512, 500]).slice(0, 3);
const rng = new Rng(1);
const keys = Float32Array.from(rng.normals(N * dIn));
const grads = Float32Array.from(rng.normals(N * dOut, 1e-2));
const time = <T>(f: () => T): [T, number] => {
  const t0 = performance.now();
  const r = f();
  return [r, performance.now() - t0];
};

const norm = new StableEditNormalizer(dIn, dOut);
const [, statsMs] = time(() => {
  for (let b = 0; b < N; b += 10) norm.update(keys.subarray(b * dIn, (b + 10) * dIn), grads.subarray(b * dOut, (b + 10) * dOut), 10);
});
// Σ needs n > dOut + 1: as in a later turn of a run, feed earlier "turns" (untimed) until it is defined.
while ((norm.save().n as number) <= dOut + 1)
  for (let b = 0; b < N; b += 10) norm.update(keys.subarray(b * dIn, (b + 10) * dIn), grads.subarray(b * dOut, (b + 10) * dOut), 10);
const [plan, whitenMs] = time(() => norm.plan({ diagonalOnly: false }));
const k64 = Float64Array.from(keys);
const [v, valuesMs] = time(() => {
  const { kHat, gHat } = plan.normalize(keys, grads, N);
  return valueTargets(kHat, gHat, N, dIn, dOut, 1e-6);
});
const s = { rows: N, dIn, dOut };
const [dual, dualMs] = time(() => ridgeSolveDual(k64, v, s, 10));
const [primal, primalMs] = time(() => ridgeSolvePrimal(k64, v, s, 10));
console.log(JSON.stringify({ dIn, dOut, N, statsMs, whitenMs, valuesMs, dualMs, primalMs, dualVsPrimalRel: relativeError(dual, primal) }));
