/**
 * The second moment C = E[k kᵀ] of each edited module's input over every token of a text corpus
 * (layer_stats.py with to_collect=["mom2"]: SecondMoment's Σ kkᵀ / count over unpadded positions;
 * docs/design.md §7). Texts are tokenized with the tokenizer's special tokens and cut at the model's
 * positions, read in batches, summed in float64 (the reference sums in mom2_dtype, float32). A
 * cache keyed by model, corpus, sample count and module skips the pass next time; with a cache the
 * pass also saves its running sums every `saveEvery` batches, so a pass cut short (a closed tab, a
 * killed process) continues where it stopped and gives the same sums, bit for bit.
 */
import { scatterUpdate } from '../../linalg/syrk';
import type { ModelRuntime } from '../../runtime/runtime';
import type { CheckpointStore } from '../../run/checkpoint-store';
import { InputError, type TextTokenizer } from '../../types';
import { rowsBatch } from '../../run/batching';

export interface StatsCache {
  store: CheckpointStore;
  /** Identifies the model and the corpus (e.g. their SHA-256); the sample count and module are added. */
  key: string;
}

export interface KeyStatsOptions {
  samples: number;
  cache?: StatsCache;
  batch?: number;
  /** Batches between saves of the running sums (with a cache). Default 16. */
  saveEvery?: number;
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
  /** A cached float64 file of exactly `length` values, or null. */
  const readF64 = async (file: string, length: number) => {
    const b = await opts.cache!.store.read(file);
    return b && b.byteLength === length * 8 ? new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)) : null;
  };
  const out = new Map<string, Float64Array>();
  if (opts.cache)
    for (const module of modules) {
      const c = await readF64(name(module), byName.get(module)!.dIn ** 2);
      if (c) out.set(module, c);
    }
  const missing = modules.filter((m) => !out.has(m));
  if (missing.length === 0) return out;

  const step = opts.batch ?? 32;
  // A partial file: [next text, token count, Σ kkᵀ…] — the batch size is in its name, so a resumed pass
  // sums in exactly the order of an uninterrupted one.
  const partial = (module: string) => `${name(module)}.partial-b${step}`;
  const sums = new Map(missing.map((m) => [m, new Float64Array(byName.get(m)!.dIn ** 2)]));
  let count = 0;
  let start = 0;
  if (opts.cache) {
    const heads = await Promise.all(missing.map((m) => readF64(partial(m), 2 + sums.get(m)!.length)));
    if (heads.every((h) => h && h[0] === heads[0]![0] && h[1] === heads[0]![1])) {
      [start, count] = [heads[0]![0], heads[0]![1]];
      missing.forEach((m, i) => sums.get(m)!.set(heads[i]!.subarray(2)));
    }
  }
  const save = async (next: number) => {
    for (const m of missing) {
      const rec = new Float64Array(2 + sums.get(m)!.length);
      rec[0] = next;
      rec[1] = count;
      rec.set(sums.get(m)!, 2);
      await opts.cache!.store.write(partial(m), new Uint8Array(rec.buffer));
    }
  };
  const saveEvery = opts.saveEvery ?? 16;
  const max = runtime.spec.maxPositions;
  for (let s = start, batches = 0; s < used.length; s += step) {
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
    if (opts.cache && ++batches % saveEvery === 0 && s + step < used.length) await save(s + step);
    opts.onProgress?.(Math.min(s + step, used.length), used.length);
  }
  for (const m of missing) {
    const c = sums.get(m)!;
    for (let i = 0; i < c.length; i++) c[i] /= count;
    out.set(m, c);
    if (opts.cache) {
      await opts.cache.store.write(name(m), new Uint8Array(c.buffer));
      await opts.cache.store.remove(partial(m));
    }
  }
  return out;
}
