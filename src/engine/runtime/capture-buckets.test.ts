/**
 * Capture label counts padded to a bucket (positions −1, rows the cross-entropy ignores) give the
 * same loss, keys and grads as the graph at the exact count, on the CPU runtime: rel ≤1e-6 (same fp32
 * graph bar the masked rows, so only summation order may differ), and the loss matches the float64
 * reference ≤1e-4. Two sub-batches of different label counts in one bucket share one session.
 */
import { describe, expect, it } from 'vitest';
import { maxRelativeError } from '../gpu/compare';
import { buildCaptureGraph } from '../graph/models/transformer';
import { GraphSession } from '../graph/ort-session';
import { memoryFolder } from '../io/memory';
import { tinyCheckpoint } from '../model/generate-tiny';
import { loadModel } from '../model/load';
import { referenceLoss } from '../reference/fd';
import { buildSubBatches } from '../run/batching';
import { countBucket, lengthBucket, padLength } from './buckets';
import { createCpuRuntime } from './cpu-runtime';

const PAIRS = [
  { id: 0, prompt: 'The capital of France is', target: 'Paris' },
  { id: 1, prompt: 'Which river flows through the city? The river is', target: 'the Oleander River' },
  { id: 2, prompt: 'The author wrote in', target: 'Danish' },
  { id: 3, prompt: 'She was born in', target: 'Oslo' },
];

describe('capture with label counts padded to a bucket', () => {
  it('padded = unpadded (loss, keys, grads); one session per bucket', async () => {
    const m = await loadModel(memoryFolder('tiny', tinyCheckpoint({ arch: 'llama', seed: 41, heads: 4, kvHeads: 2 })));
    const [sb, sb2] = buildSubBatches(m.tokenizer, PAIRS, { subBatch: 2 });
    const N = sb.labelPositions.length;
    expect(countBucket(N)).toBeGreaterThan(N); // the padding is really exercised
    expect(countBucket(sb2.labelPositions.length)).toBe(countBucket(N));
    const mods = m.modules;

    // exact count, graph run directly
    const p = padLength(sb, lengthBucket(sb.seqLen, m.spec.maxPositions));
    const mg = buildCaptureGraph(m.spec, { batch: p.batch, seqLen: p.seqLen, labels: N }, mods);
    const s = await GraphSession.fromGraph(mg.g);
    const feeds: Record<string, Float32Array | Int32Array> = {
      input_ids: p.inputIds,
      attention_mask: p.attentionMask,
      labels: p.labels,
      label_positions: p.labelPositions,
    };
    for (const w of mg.weightNames) feeds[w] = m.weights.get(w)!.data;
    const exact = await s.run(feeds);
    await s.release();

    const rt = await createCpuRuntime(m);
    try {
      const cap = await rt.capture(
        sb,
        mods.map((x) => x.name),
      );
      expect(Math.abs(cap.loss - (exact.loss as Float32Array)[0]) / Math.abs(cap.loss)).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(cap.loss - referenceLoss(m.spec, m.weights, sb)) / Math.abs(cap.loss)).toBeLessThanOrEqual(1e-4);
      for (const c of cap.modules) {
        expect(c.rows).toBe(N);
        expect(c.keys.length).toBe(N * c.dIn);
        expect(c.grads.length).toBe(N * c.dOut);
        expect(maxRelativeError(c.keys, exact[`${c.module}.keys`] as Float32Array), `${c.module} keys`).toBeLessThanOrEqual(1e-6);
        expect(maxRelativeError(c.grads, exact[`${c.module}.grads`] as Float32Array), `${c.module} grads`).toBeLessThanOrEqual(1e-6);
      }
      const created = rt.stats().sessionsCreated;
      const cap2 = await rt.capture(
        sb2,
        mods.map((x) => x.name),
      );
      expect(Math.abs(cap2.loss - referenceLoss(m.spec, m.weights, sb2)) / Math.abs(cap2.loss)).toBeLessThanOrEqual(1e-4);
      if (lengthBucket(sb2.seqLen, m.spec.maxPositions) === p.seqLen && sb2.batch === sb.batch)
        expect(rt.stats().sessionsCreated).toBe(created);
    } finally {
      await rt.dispose();
    }
  });
});
