import { describe, expect, it } from 'vitest';
import { memoryFolder } from '../../io/memory';
import { tinyCheckpoint, type TinyOptions } from '../../model/generate-tiny';
import { loadModel, type LoadedModel } from '../../model/load';
import { referenceForward } from '../../reference/forward';
import { labelRows, moduleOutputGradFD, referenceLoss, type LabeledInput } from '../../reference/fd';
import { Rng } from '../../util/rng';
import { interpret } from '../interpret';
import { maxRelativeError } from '../../gpu/compare';
import { GraphSession, type Feed } from '../ort-session';
import { tensor, type Tensor64 } from '../tensor';
import { buildCaptureGraph, buildForwardGraph, buildScoreGraph, type ModelGraph } from './transformer';

const CASES: [string, TinyOptions][] = [
  ['gpt2', { arch: 'gpt2', seed: 21 }],
  ['llama GQA untied', { arch: 'llama', seed: 22, heads: 4, kvHeads: 2 }],
  ['qwen2 q/k/v bias, tied', { arch: 'qwen2', seed: 23 }],
  ['mistral', { arch: 'mistral', seed: 24 }],
  ['llama mlp_bias', { arch: 'llama', seed: 25, mlpBias: true }],
  ['gptj parallel block, rotate-every-two on rotary_dim, lm_head bias', { arch: 'gptj', seed: 26 }],
  ['qwen3 q/k norms, own head_dim, window on layer 1', { arch: 'qwen3', seed: 27, window: 3 }],
  ['gemma2 (1+w) norms, √H, soft caps, window 3 on layer 0', { arch: 'gemma2', seed: 28 }],
  ['gemma3_text q/k norms, local/global rope (linear on global)', { arch: 'gemma3_text', seed: 29 }],
  ['phi3 fused qkv/gate_up, partial rotary, LongRoPE short factors', { arch: 'phi3', seed: 30 }],
  ['phi3 LongRoPE long factors (T past original_max)', { arch: 'phi3', seed: 31, originalMax: 4 }],
];

/** Two rows, the second right-padded; labels at a few positions of each (already shifted). */
interface Batch extends LabeledInput {
  inputIds: number[];
  attentionMask: number[];
  labels: number[];
  positions: number[];
}

function batch(m: LoadedModel): Batch {
  const rng = new Rng(5);
  const B = 2,
    T = 6;
  const ids = Array.from({ length: B * T }, () => rng.int(m.tokenizer.vocabSize));
  const attentionMask = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0];
  const labels = ids.map(() => -100);
  for (const r of [3, 4, 5, 8, 9]) labels[r] = rng.int(m.tokenizer.vocabSize);
  return { batch: B, seqLen: T, inputIds: ids, attentionMask, labels, positions: labelRows(labels) };
}

function feeds(mg: ModelGraph, m: LoadedModel, ints: Record<string, number[]>): Record<string, Tensor64> {
  const f: Record<string, Tensor64> = {};
  for (const v of mg.g.inputs) {
    f[v.name!] = v.name! in ints ? tensor([...v.shape], ints[v.name!]) : tensor([...v.shape], m.weights.get(v.name!)!.data);
  }
  return f;
}

function toOrt(f: Record<string, Tensor64>, mg: ModelGraph): Record<string, Feed> {
  return Object.fromEntries(
    mg.g.inputs.map((v) => [v.name!, v.dtype === 'float32' ? Float32Array.from(f[v.name!].data) : Int32Array.from(f[v.name!].data)]),
  );
}

describe.each(CASES)('transformer graphs: %s', (_name, opts) => {
  it('forward logits (interpreter) = reference forward ≤1e-12; ORT fp32 ≤1e-4', async () => {
    const m = await loadModel(memoryFolder('tiny', tinyCheckpoint(opts)));
    const b = batch(m);
    const mg = buildForwardGraph(m.spec, { batch: b.batch, seqLen: b.seqLen });
    const f = feeds(mg, m, { input_ids: [...b.inputIds], attention_mask: [...b.attentionMask] });
    const out = mg.g.outputs[0];
    const got = interpret(mg.g, f).get(out.id)!.data;
    const ref = referenceForward(m.spec, m.weights, b).logits;
    expect(maxRelativeError(got, ref)).toBeLessThanOrEqual(1e-12);
    const s = await GraphSession.fromGraph(mg.g);
    const r = await s.run(toOrt(f, mg));
    await s.release();
    expect(maxRelativeError(r.logits as Float32Array, ref)).toBeLessThanOrEqual(1e-4);
  });

  it('capture: loss and keys = reference, grads = finite differences of the reference loss; ORT fp32 agrees', async () => {
    const m = await loadModel(memoryFolder('tiny', tinyCheckpoint(opts)));
    const b = batch(m);
    const edited = m.modules; // every layer: backward reaches layer 0
    const mg = buildCaptureGraph(m.spec, { batch: b.batch, seqLen: b.seqLen, labels: b.positions.length }, edited);
    const f = feeds(mg, m, {
      input_ids: [...b.inputIds],
      attention_mask: [...b.attentionMask],
      labels: [...b.labels],
      label_positions: b.positions,
    });
    const env = interpret(mg.g, f);
    const out = (name: string) => env.get(mg.g.outputs.find((o) => o.name === name)!.id)!.data;

    expect(Math.abs(out('loss')[0] - referenceLoss(m.spec, m.weights, b))).toBeLessThanOrEqual(1e-12);
    const ref = referenceForward(m.spec, m.weights, b, { capture: edited.map((e) => e.name) });
    for (const e of edited) {
      const keys = b.positions.flatMap((r) => Array.from(ref.moduleInputs.get(e.name)!.subarray(r * e.dIn, (r + 1) * e.dIn)));
      expect(maxRelativeError(out(`${e.name}.keys`), keys), `${e.name}.keys`).toBeLessThanOrEqual(1e-12);
      // float64 central differences, h = 1e-5: error ~h²·L''' ≈ 1e-10 relative
      const fd = moduleOutputGradFD(m.spec, m.weights, b, e.name);
      expect(maxRelativeError(out(`${e.name}.grads`), fd), `${e.name}.grads`).toBeLessThanOrEqual(1e-6);
    }

    const s = await GraphSession.fromGraph(mg.g);
    const r = await s.run(toOrt(f, mg));
    await s.release();
    for (const o of mg.g.outputs)
      expect(maxRelativeError(r[o.name!] as Float32Array, env.get(o.id)!.data), `ORT ${o.name}`).toBeLessThanOrEqual(1e-4);
  });

  it('score: top-1 at positions and top-k log-probs at probes match the reference logits (ORT)', async () => {
    const m = await loadModel(memoryFolder('tiny', tinyCheckpoint(opts)));
    const b = batch(m);
    const V = m.spec.vocabSize;
    const positions = [0, 2, 5, 7, 9];
    const probes = [5, 9]; // each row's last token
    const k = 4;
    const mg = buildScoreGraph(m.spec, { batch: b.batch, seqLen: b.seqLen, positions: positions.length, probes: probes.length, k });
    const f = feeds(mg, m, { input_ids: b.inputIds, attention_mask: b.attentionMask, positions, probe_positions: probes });
    const s = await GraphSession.fromGraph(mg.g);
    const r = await s.run(toOrt(f, mg));
    await s.release();
    const logits = referenceForward(m.spec, m.weights, b).logits;
    const row = (p: number) => Array.from(logits.subarray(p * V, (p + 1) * V));
    const argmax = (x: number[]) => x.indexOf(Math.max(...x));
    expect(Array.from(r.top1 as Int32Array)).toEqual(positions.map((p) => argmax(row(p))));
    probes.forEach((p, i) => {
      const x = row(p);
      const lse = Math.log(x.reduce((acc, v) => acc + Math.exp(v - Math.max(...x)), 0)) + Math.max(...x);
      const order = x
        .map((_, j) => j)
        .sort((a, c) => x[c] - x[a])
        .slice(0, k);
      expect(Array.from((r.topk_ids as Int32Array).subarray(i * k, (i + 1) * k))).toEqual(order);
      const lp = Array.from((r.topk_logprobs as Float32Array).subarray(i * k, (i + 1) * k));
      expect(
        maxRelativeError(
          lp,
          order.map((j) => x[j] - lse),
        ),
      ).toBeLessThanOrEqual(1e-4);
    });
  });
});
