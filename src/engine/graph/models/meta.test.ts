/**
 * The meta graphs (graph/models/meta.ts) on tiny models: loss and log-probabilities against the
 * float64 reference forward, and the weight gradients against central differences of the reference
 * loss in the weights (float64 interpreter, ≤ 1e-6 relative); ORT fp32 agrees with the interpreter.
 */
import { describe, expect, it } from 'vitest';
import { memoryFolder } from '../../io/memory';
import { tinyCheckpoint, type TinyOptions } from '../../model/generate-tiny';
import { loadModel, type LoadedModel } from '../../model/load';
import type { Tensor32, Weights } from '../../model/spec';
import { referenceForward } from '../../reference/forward';
import { labelRows } from '../../reference/fd';
import { logSumExp, meanCrossEntropy } from '../../reference/loss';
import { asDeltaLayout } from '../../runtime/weight-layout';
import { Rng } from '../../util/rng';
import { maxRelativeError } from '../../gpu/compare';
import { interpret } from '../interpret';
import { GraphSession } from '../ort-session';
import { tensor, type Tensor64 } from '../tensor';
import { buildMetaGraph } from './meta';

const CASES: [string, TinyOptions][] = [
  ['llama', { arch: 'llama', seed: 31, heads: 4, kvHeads: 2, layers: 2 }],
  ['gpt2', { arch: 'gpt2', seed: 32, layers: 2 }],
  // The newer families, where RLEdit and MEND take their gradients: GPT-J's fc_out beside the attention,
  // Gemma's down_proj behind its post-feedforward norm, Phi-3's behind the fused gate_up_proj.
  ['gptj', { arch: 'gptj', seed: 33, layers: 2 }],
  ['qwen3', { arch: 'qwen3', seed: 34, layers: 2 }],
  ['gemma2', { arch: 'gemma2', seed: 35, layers: 2 }],
  ['gemma3_text', { arch: 'gemma3_text', seed: 36, layers: 2 }],
  ['phi3', { arch: 'phi3', seed: 37, layers: 2 }],
];

function batch(m: LoadedModel) {
  const rng = new Rng(9);
  const B = 2;
  const T = 5;
  const inputIds = Array.from({ length: B * T }, () => rng.int(m.tokenizer.vocabSize));
  const attentionMask = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0];
  const labels = inputIds.map(() => -100);
  for (const r of [3, 4, 6, 7]) labels[r] = rng.int(m.tokenizer.vocabSize);
  return { batch: B, seqLen: T, inputIds, attentionMask, labels, positions: labelRows(labels) };
}

/** Log-softmax rows of the reference logits at the label positions, [N, V]. */
function labelLogprobs(logits: Float64Array, positions: number[], V: number): Float64Array {
  const out = new Float64Array(positions.length * V);
  positions.forEach((p, i) => {
    const lse = logSumExp(logits, p * V, V);
    for (let v = 0; v < V; v++) out[i * V + v] = logits[p * V + v] - lse;
  });
  return out;
}

describe.each(CASES)('meta graphs: %s', (_name, opts) => {
  it('ce and kl: loss = reference, ∂loss/∂W = central differences of the reference (≤1e-6); ORT ≤1e-4', async () => {
    const m = await loadModel(memoryFolder('tiny', tinyCheckpoint(opts)));
    const b = batch(m);
    const V = m.spec.vocabSize;
    const N = b.positions.length;
    const edited = m.modules;
    // Weights as float64 copies, so a central difference of h = 1e-5 is not rounded to float32.
    const w64: Weights = new Map(
      [...m.weights].map(([k, t]) => [k, { shape: t.shape, data: Float64Array.from(t.data) as unknown as Float32Array }]),
    );
    const rng = new Rng(3);
    const ref = labelLogprobs(
      referenceForward(
        m.spec,
        new Map(
          [...w64].map(([k, t]) => [
            k,
            { ...t, data: (t.data as unknown as Float64Array).map((x) => x + 0.02 * rng.normal()) as unknown as Float32Array },
          ]),
        ),
        b,
      ).logits,
      b.positions,
      V,
    );
    const losses = {
      ce: (w: Weights) => meanCrossEntropy(referenceForward(m.spec, w, b).logits, b.labels, V),
      kl: (w: Weights) => {
        const lp = labelLogprobs(referenceForward(m.spec, w, b).logits, b.positions, V);
        let s = 0;
        for (let q = 0; q < lp.length; q++) s += Math.exp(ref[q]) * (ref[q] - lp[q]);
        return s / N;
      },
    };
    for (const kind of ['ce', 'kl'] as const) {
      const mg = buildMetaGraph(m.spec, { batch: b.batch, seqLen: b.seqLen, labels: N }, kind, edited);
      const f: Record<string, Tensor64> = {};
      const ints: Record<string, number[]> = {
        input_ids: b.inputIds,
        attention_mask: b.attentionMask,
        labels: b.labels,
        label_positions: b.positions,
      };
      for (const v of mg.g.inputs) {
        const name = v.name!;
        f[name] =
          name in ints
            ? tensor([...v.shape], ints[name])
            : name === 'ref_logprobs'
              ? tensor([...v.shape], ref)
              : tensor([...v.shape], w64.get(name)!.data);
      }
      const env = interpret(mg.g, f);
      const out = (name: string) => env.get(mg.g.outputs.find((o) => o.name === name)!.id)!.data;
      expect(Math.abs(out('loss')[0] - losses[kind](w64)), kind).toBeLessThanOrEqual(1e-12);
      expect(maxRelativeError(out('logprobs'), labelLogprobs(referenceForward(m.spec, w64, b).logits, b.positions, V))).toBeLessThan(1e-12);
      for (const e of edited) {
        const analytic = asDeltaLayout(out(`${e.name}.weight_grad`), e);
        const w = w64.get(e.weight)! as Tensor32;
        const data = w.data as unknown as Float64Array;
        const h = 1e-5;
        const idx = [0, 7, 19, data.length - 1];
        let worst = 0;
        let scale = 0;
        for (const i of idx) {
          const x0 = data[i];
          data[i] = x0 + h;
          const up = losses[kind](w64);
          data[i] = x0 - h;
          const down = losses[kind](w64);
          data[i] = x0;
          // index i of the weight's own layout → [dIn, dOut]
          const [r, c] = e.layout === 'conv1d' ? [Math.floor(i / e.dOut), i % e.dOut] : [i % e.dIn, Math.floor(i / e.dIn)];
          const a = analytic[r * e.dOut + c];
          worst = Math.max(worst, Math.abs((up - down) / (2 * h) - a));
          scale = Math.max(scale, Math.abs(a));
        }
        expect(scale, `${kind} ${e.name}`).toBeGreaterThan(0);
        expect(worst / scale, `${kind} ${e.name}`).toBeLessThanOrEqual(1e-6);
      }
      const s = await GraphSession.fromGraph(mg.g);
      const r = await s.run(
        Object.fromEntries(
          mg.g.inputs.map((v) => [v.name!, v.dtype === 'float32' ? Float32Array.from(f[v.name!].data) : Int32Array.from(f[v.name!].data)]),
        ),
      );
      await s.release();
      for (const o of mg.g.outputs)
        expect(maxRelativeError(r[o.name!] as Float32Array, env.get(o.id)!.data), `ORT ${kind} ${o.name}`).toBeLessThanOrEqual(1e-4);
    }
  });
});
