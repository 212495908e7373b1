/**
 * The spectrum of each cached key second moment C (run --stats-cache DIR) and the dimension of
 * AlphaEdit's null space — eigenvalues below the threshold (default 2e-2, the reference's) — as
 * docs/baselines.md reports them.
 *   npx tsx scripts/demo/null-space.ts STATS_CACHE_DIR [THRESHOLD]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { symmetricEigen } from '../../src/engine/linalg/eigh';

const [dir, threshold = '2e-2'] = process.argv.slice(2);
console.log('| cache file | d_in | λmin | median λ | λmax | null space (λ < threshold) |');
console.log('|---|---|---|---|---|---|');
for (const f of readdirSync(dir).sort()) {
  const bytes = readFileSync(join(dir, f));
  const c = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  const d = Math.round(Math.sqrt(c.length));
  const e = symmetricEigen(c, d).values;
  const rank = Array.from(e).filter((x) => Math.abs(x) < Number(threshold)).length;
  const x = (v: number) => v.toExponential(2);
  console.log(`| ${f} | ${d} | ${x(e[0])} | ${x(e[d >> 1])} | ${x(e[d - 1])} | ${rank} |`);
}
