/**
 * One capture at the published shapes of the two largest new-family configs the lab estimates —
 * GPT-J-6B (n_embd 4,096, fc_out 16,384 → 4,096, untied 50,400 × 4,096 head with its bias) and
 * Gemma-3-1B (hidden 1,152, tied 262,144 × 1,152 embedding × √1,152 in bfloat16, head_dim 256 with
 * 4 heads over 1 kv head) — one layer, random BF16 weights (model/real-shape.ts), on onnxruntime-node
 * through the lab's own runtime, held to the float64 reference forward: loss and keys ≤ 1e-4
 * relative (fp32 against float64 over sums of 4,096–16,384 terms), and the value gradients along
 * random directions to central differences of the reference loss ≤ 1e-3 relative.
 *
 * Measured (2 shared cores at load 13–20): GPT-J-6B loss 2e-8–6e-8, keys 3.4e-7, G·U ≤ 4.1e-6; Gemma-3-1B
 * loss 1.0e-7, keys 7.9e-7, G·U ≤ 1.7e-6. Opt-in: up to 5 GiB of memory, and 7–20 minutes per model
 * there, nearly all of it the float64 reference's five passes through the head:
 *
 *   REAL_SHAPES_NODE=1 npx vitest run src/engine/runtime/real-shape-capture.test.ts
 */
import { describe, expect, it } from 'vitest';
import { maxRelativeError } from '../gpu/compare';
import { memoryFolder } from '../io/memory';
import { loadModel } from '../model/load';
import { editableModuleName } from '../model/modules';
import { realShapeCheckpoint } from '../model/real-shape';
import type { Weights } from '../model/spec';
import { referenceLoss } from '../reference/fd';
import { referenceForward } from '../reference/forward';
import { meanCrossEntropy } from '../reference/loss';
import { buildSubBatches, editPairs } from '../run/batching';
import { Rng } from '../util/rng';
import { createCpuRuntime } from './cpu-runtime';

const REPOS = ['EleutherAI/gpt-j-6b', 'google/gemma-3-1b-pt'];
const RECORDS = [
  // Short: the reference computes every row's logits (a 4,096 × 50,400 head), and runs five times.
  { index: 0, prompt: 'Paris is in', answer: 'France' },
  { index: 1, prompt: 'Rome is', answer: 'old' },
];

describe.skipIf(!process.env.REAL_SHAPES_NODE)('capture at real shapes in Node (1 layer, random weights)', () => {
  for (const repo of REPOS) {
    it(`${repo}: loss and keys = float64 reference ≤ 1e-4, value gradients = its central differences ≤ 1e-3`, async () => {
      const t0 = Date.now();
      const ckpt = realShapeCheckpoint(repo, { layers: 1, seed: 4, dtype: 'BF16' });
      const m = await loadModel(memoryFolder(repo.split('/')[1], ckpt.files));
      ckpt.files.clear();
      const weights = m.weights as Weights;
      const module = editableModuleName(m.spec, 0);
      const [sb] = buildSubBatches(m.tokenizer, editPairs(RECORDS), { subBatch: 2 });
      const rt = await createCpuRuntime(m, { backend: 'native' });
      const t1 = Date.now();
      const cap = await rt.capture(sb, [module]);
      const t2 = Date.now();
      await rt.dispose();
      const [mc] = cap.modules;
      const rows = [...sb.labelPositions];
      expect(mc.rows).toBe(rows.length);

      const input = { batch: sb.batch, seqLen: sb.seqLen, inputIds: sb.inputIds, attentionMask: sb.attentionMask, labels: sb.labels };
      const ref = referenceForward(m.spec, weights, input, { capture: [module] });
      const loss = meanCrossEntropy(ref.logits, sb.labels, m.spec.vocabSize);
      const lossErr = Math.abs(cap.loss - loss) / Math.abs(loss);
      expect(lossErr).toBeLessThanOrEqual(1e-4);
      const keys = rows.flatMap((r) => Array.from(ref.moduleInputs.get(module)!.subarray(r * mc.dIn, (r + 1) * mc.dIn)));
      const keyErr = maxRelativeError(mc.keys, keys);
      expect(keyErr).toBeLessThanOrEqual(1e-4);

      // ∂L/∂out · U for random unit directions U over the label rows, against (L(out + hU) − L(out − hU)) / 2h.
      const rng = new Rng(7);
      const d = mc.dOut;
      const gradErrs: number[] = [];
      for (let dir = 0; dir < 2; dir++) {
        const u = Float64Array.from({ length: rows.length * d }, () => rng.normal());
        const scale = 1 / Math.sqrt(u.reduce((s, x) => s + x * x, 0));
        const h = 1e-3;
        const shift = new Float64Array(sb.batch * sb.seqLen * d);
        const at = (sign: number) => {
          rows.forEach((r, i) => {
            for (let c = 0; c < d; c++) shift[r * d + c] = sign * h * scale * u[i * d + c];
          });
          return referenceLoss(m.spec, weights, input, new Map([[module, shift]]));
        };
        const fd = (at(1) - at(-1)) / (2 * h);
        let got = 0;
        for (let i = 0; i < u.length; i++) got += mc.grads[i] * scale * u[i];
        gradErrs.push(Math.abs(got - fd) / Math.abs(fd));
      }
      expect(Math.max(...gradErrs)).toBeLessThanOrEqual(1e-3);
      console.log(
        `${repo} 1L: ${rows.length} label rows of ${sb.batch}×${sb.seqLen}; loss ${cap.loss.toFixed(4)} rel err ${lossErr.toExponential(2)}, ` +
          `keys ${keyErr.toExponential(2)}, G·U ${gradErrs.map((e) => e.toExponential(2)).join(', ')}; ` +
          `checkpoint+load+session ${((t1 - t0) / 1000).toFixed(1)} s, capture ${((t2 - t1) / 1000).toFixed(1)} s, reference ${((Date.now() - t2) / 1000).toFixed(1)} s`,
      );
    }, 3_600_000);
  }
});
