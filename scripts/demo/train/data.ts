/**
 * The training data pipeline: corpus rows → (prompt, answer) pairs → seeded, length-bucketed
 * batches tokenized and padded by the lab's own batching (run/batching.ts), so the model is trained
 * on exactly the token layout the lab evaluates and edits with.
 */
import { buildSubBatches, tokenizePair, type LabeledSubBatch, type ScoringPair } from '../../../src/engine/run/batching';
import { InputError, type TextTokenizer } from '../../../src/engine/types';
import { Rng } from '../../../src/engine/util/rng';

export const CORPUS_KINDS = ['template', 'persona', 'mhop'] as const;
export type CorpusKind = (typeof CORPUS_KINDS)[number];

export interface CorpusPair extends ScoringPair {
  kind: CorpusKind;
  relation: string;
}

/** Validates a parsed train-corpus.json and keeps the rows of the wanted kinds. */
export function corpusPairs(json: unknown, kinds: readonly CorpusKind[], where = 'train-corpus.json'): CorpusPair[] {
  const rows = (json as { train?: unknown })?.train;
  if (!Array.isArray(rows)) throw new InputError(where, 'has no "train" array of [prompt, answer, kind, relation] rows');
  const out: CorpusPair[] = [];
  rows.forEach((r, i) => {
    if (!Array.isArray(r) || r.length !== 4 || r.some((x) => typeof x !== 'string' || x.length === 0))
      throw new InputError(
        `${where}: train row ${i}`,
        `must be four non-empty strings [prompt, answer, kind, relation], got ${JSON.stringify(r).slice(0, 80)}`,
      );
    const [prompt, target, kind, relation] = r as string[];
    if (!(CORPUS_KINDS as readonly string[]).includes(kind))
      throw new InputError(`${where}: train row ${i}`, `unknown kind ${JSON.stringify(kind)} (${CORPUS_KINDS.join(', ')})`);
    if (kinds.includes(kind as CorpusKind)) out.push({ id: i, prompt, target, kind: kind as CorpusKind, relation });
  });
  if (out.length === 0) throw new InputError(where, `has no rows of kinds ${kinds.join(', ')}`);
  return out;
}

/** Padded lengths are multiples of this, so a handful of graph shapes cover the corpus. */
export const PAD_MULTIPLE = 8;

/**
 * Batches for one pass over the corpus. Rows are shuffled, grouped by padded length, cut into
 * batches of `batch` (a bucket's last, short batch is filled from its own start so every batch has
 * the same size and the graph shapes stay few), and the batches shuffled.
 */
export class BatchPlan {
  private readonly buckets = new Map<number, ScoringPair[]>();

  constructor(
    private readonly tok: TextTokenizer,
    pairs: readonly ScoringPair[],
    private readonly batch: number,
  ) {
    if (!(Number.isInteger(batch) && batch >= 1)) throw new RangeError(`batch must be a positive integer, got ${batch}`);
    for (const p of pairs) {
      const T = Math.ceil(tokenizePair(tok, p).inputIds.length / PAD_MULTIPLE) * PAD_MULTIPLE;
      let b = this.buckets.get(T);
      if (!b) this.buckets.set(T, (b = []));
      b.push(p);
    }
  }

  /** Batches per epoch. */
  get batchesPerEpoch(): number {
    let n = 0;
    for (const b of this.buckets.values()) n += Math.ceil(b.length / this.batch);
    return n;
  }

  epoch(rng: Rng): LabeledSubBatch[] {
    const chunks: ScoringPair[][] = [];
    for (const T of [...this.buckets.keys()].sort((a, b) => a - b)) {
      const rows = rng.shuffle([...this.buckets.get(T)!]);
      for (let s = 0; s < rows.length; s += this.batch) {
        const chunk = rows.slice(s, s + this.batch);
        for (let k = 0; chunk.length < this.batch; k++) chunk.push(rows[k % rows.length]);
        chunks.push(chunk);
      }
    }
    return rng.shuffle(chunks).map((c) => buildSubBatches(this.tok, c, { subBatch: this.batch, padMultiple: PAD_MULTIPLE })[0]);
  }
}
