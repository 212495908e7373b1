/**
 * The second moment C = E[k kᵀ] of each edited module's input over every token of a text corpus
 * (layer_stats.py with to_collect=["mom2"]: SecondMoment's Σ kkᵀ / count over unpadded positions;
 * docs/design.md §7). Texts are tokenized with the tokenizer's special tokens and cut at the model's
 * positions, read in batches, summed in float64 (the reference sums in mom2_dtype, float32). A
 * cache keyed by model, corpus, sample count and module skips the pass next time.
 */
import { scatterUpdate } from '../../linalg/syrk';
import type { ModelRuntime } from '../../runtime/runtime';
import type { CheckpointStore } from '../../run/checkpoint-store';
import { InputError, type TextTokenizer } from '../../types';
import { rowsBatch } from './prompts';

export interface StatsCache {
  store: CheckpointStore;
  /** Identifies the model and the corpus (e.g. their SHA-256); the sample count and module are added. */
  key: string;
}

export interface KeyStatsOptions {
  samples: number;
  cache?: StatsCache;
  batch?: number;
  onProgress?: (done: number, total: number) => void;
}

export async function keySecondMoments(
  runtime: ModelRuntime,
  tok: TextTokenizer,
  texts: readonly string[],
  modules: readonly string[],
  opts: KeyStatsOptions,
): Promise<Map<string, Float64Array>> {
  const byName = new Map(runtime.modules.map((m) => [m.name, m]));
  const used = texts.slice(0, opts.samples);
  if (used.length === 0) throw new InputError('key statistics corpus', 'holds no text');
  const name = (module: string) => `mom2-${opts.cache!.key}-${used.length}-${module}.f64`;
  const out = new Map<string, Float64Array>();
  if (opts.cache)
    for (const module of modules) {
      const d = byName.get(module)!.dIn;
      const bytes = await opts.cache.store.read(name(module));
      if (bytes && bytes.byteLength === d * d * 8)
        out.set(module, new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
    }
  const missing = modules.filter((m) => !out.has(m));
  if (missing.length === 0) return out;

  const sums = new Map(missing.map((m) => [m, new Float64Array(byName.get(m)!.dIn ** 2)]));
  let count = 0;
  const step = opts.batch ?? 32;
  const max = runtime.spec.maxPositions;
  for (let s = 0; s < used.length; s += step) {
    const rows = used
      .slice(s, s + step)
      .map((t) => ({ ids: tok.encode(t, true).slice(0, max) }))
      .filter((r) => r.ids.length > 0);
    if (rows.length === 0) continue;
    const sb = rowsBatch(
      rows,
      rows.map((_, i) => s + i),
    );
    const positions: number[] = [];
    rows.forEach((r, b) => r.ids.forEach((_, t) => positions.push(b * sb.seqLen + t)));
    const { keys } = await runtime.lookup(sb, Int32Array.from(positions), missing, []);
    for (const m of missing) scatterUpdate(sums.get(m)!, keys.get(m)!, positions.length, byName.get(m)!.dIn);
    count += positions.length;
    opts.onProgress?.(Math.min(s + step, used.length), used.length);
  }
  for (const m of missing) {
    const c = sums.get(m)!;
    for (let i = 0; i < c.length; i++) c[i] /= count;
    out.set(m, c);
    if (opts.cache) await opts.cache.store.write(name(m), new Uint8Array(c.buffer));
  }
  return out;
}
