/**
 * The locate-then-edit graphs against the float64 reference forward (δ entered as a shift of the
 * residual stream leaving the edited block at the lookup rows) and against
 * central finite differences of its NLL and KL with respect to δ; ORT fp32 against the interpreter.
 */
import { describe, expect, it } from 'vitest';
import { maxRelativeError } from '../../gpu/compare';
import { memoryFolder } from '../../io/memory';
import { tinyCheckpoint, type TinyOptions } from '../../model/generate-tiny';
import { loadModel, type LoadedModel } from '../../model/load';
import { referenceForward } from '../../reference/forward';
import { labelRows } from '../../reference/fd';
import { logSumExp, meanCrossEntropy } from '../../reference/loss';
import { Rng } from '../../util/rng';
import { interpret } from '../interpret';
import { GraphSession } from '../ort-session';
import { tensor, type Tensor64 } from '../tensor';
import { buildLookupGraph, buildTargetGraph } from './locate';
import type { ModelGraph } from './transformer';

const CASES: [string, TinyOptions][] = [
  ['gpt2', { arch: 'gpt2', seed: 31 }],
  ['llama GQA', { arch: 'llama', seed: 32, heads: 4, kvHeads: 2 }],
  ['gptj (parallel block: δ joins with attention and MLP)', { arch: 'gptj', seed: 33 }],
  ['qwen3', { arch: 'qwen3', seed: 34 }],
  ['gemma2 (δ after the post-feedforward norm, soft-capped head)', { arch: 'gemma2', seed: 35 }],
  ['gemma3_text', { arch: 'gemma3_text', seed: 36 }],
  ['phi3 (fused projections)', { arch: 'phi3', seed: 37 }],
];

const B = 3;
const T = 6;
const K = 1;

interface Case {
  m: LoadedModel;
  ids: number[];
  mask: number[];
  labels: number[];
  lookup: number[];
  delta: Float64Array;
  klInit: Float64Array;
  layer: number;
}

function setup(m: LoadedModel): Case {
  const rng = new Rng(9);
  const V = m.spec.vocabSize;
  const ids = Array.from({ length: B * T }, () => rng.int(V));
  const mask = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 0];
  const labels = ids.map(() => -100);
  for (const r of [4, 5, 9, 10]) labels[r] = rng.int(V); // two rewriting rows; the third is the KL row
  const lookup = [2, T + 3, 2 * T + 1];
  const delta = Float64Array.from({ length: m.spec.hidden }, () => Math.fround(0.3 * rng.normal()));
  const klInit = new Float64Array(K * V);
  for (let v = 0; v < V; v++) klInit[v] = Math.fround(rng.normal());
  const lse = logSumExp(klInit, 0, V);
  for (let v = 0; v < V; v++) klInit[v] = Math.fround(klInit[v] - lse);
  return { m, ids, mask, labels, lookup, delta, klInit, layer: 0 };
}

/** NLL, KL and z of the float64 reference with δ at the lookup rows. */
function reference(c: Case, delta: ArrayLike<number>) {
  const H = c.m.spec.hidden;
  const V = c.m.spec.vocabSize;
  const shift = new Float64Array(B * T * H);
  for (const p of c.lookup) for (let i = 0; i < H; i++) shift[p * H + i] = delta[i];
  const f = referenceForward(
    c.m.spec,
    c.m.weights,
    { batch: B, seqLen: T, inputIds: c.ids, attentionMask: c.mask },
    {
      blockShift: new Map([[c.layer, shift]]),
    },
  );
  const nll = meanCrossEntropy(f.logits, c.labels, V);
  let kl = 0;
  for (const p of c.lookup.slice(B - K)) {
    const lse = logSumExp(f.logits, p * V, V);
    for (let v = 0; v < V; v++) {
      const lp = f.logits[p * V + v] - lse;
      kl += Math.exp(lp) * (lp - c.klInit[v]);
    }
  }
  const z = c.lookup.flatMap((p) => Array.from(f.blockOutputs[c.layer].subarray(p * H, (p + 1) * H)));
  return { nll, kl: kl / K, z, f };
}

function feeds(mg: ModelGraph, c: Case, extra: Record<string, ArrayLike<number>>): Record<string, Tensor64> {
  const f: Record<string, Tensor64> = {};
  for (const v of mg.g.inputs) f[v.name!] = tensor([...v.shape], extra[v.name!] ?? c.m.weights.get(v.name!)!.data);
  return f;
}

async function ort(mg: ModelGraph, f: Record<string, Tensor64>) {
  const s = await GraphSession.fromGraph(mg.g);
  const r = await s.run(
    Object.fromEntries(
      mg.g.inputs.map((v) => [v.name!, v.dtype === 'float32' ? Float32Array.from(f[v.name!].data) : Int32Array.from(f[v.name!].data)]),
    ),
  );
  await s.release();
  return r;
}

describe.each(CASES)('locate-then-edit graphs: %s', (_name, opts) => {
  it('target: NLL, KL and z = reference ≤ 1e-12; their δ-gradients = finite differences ≤ 1e-6; ORT fp32 ≤ 1e-4', async () => {
    const m = await loadModel(memoryFolder('tiny', tinyCheckpoint(opts)));
    const c = setup(m);
    const positions = labelRows(c.labels);
    const mg = buildTargetGraph(m.spec, { batch: B, seqLen: T, labels: positions.length + 2, layer: c.layer, kl: K });
    const f = feeds(mg, c, {
      input_ids: c.ids,
      attention_mask: c.mask,
      labels: c.labels,
      label_positions: [...positions, -1, -1], // bucket padding is ignored
      lookup_positions: c.lookup,
      delta: c.delta,
      kl_init: c.klInit,
    });
    const env = interpret(mg.g, f);
    const out = (name: string) => env.get(mg.g.outputs.find((o) => o.name === name)!.id)!.data;
    const ref = reference(c, c.delta);
    expect(Math.abs(out('nll')[0] - ref.nll) / ref.nll).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(out('kl')[0] - ref.kl) / Math.abs(ref.kl)).toBeLessThanOrEqual(1e-12);
    expect(maxRelativeError(out('z'), ref.z)).toBeLessThanOrEqual(1e-12);

    const h = 1e-5;
    const fdNll = new Float64Array(m.spec.hidden);
    const fdKl = new Float64Array(m.spec.hidden);
    for (let i = 0; i < m.spec.hidden; i++) {
      const plus = Float64Array.from(c.delta);
      const minus = Float64Array.from(c.delta);
      plus[i] += h;
      minus[i] -= h;
      const [rp, rm] = [reference(c, plus), reference(c, minus)];
      fdNll[i] = (rp.nll - rm.nll) / (2 * h);
      fdKl[i] = (rp.kl - rm.kl) / (2 * h);
    }
    expect(maxRelativeError(out('grad_nll'), fdNll)).toBeLessThanOrEqual(1e-6);
    expect(maxRelativeError(out('grad_kl'), fdKl)).toBeLessThanOrEqual(1e-6);

    const r = await ort(mg, f);
    for (const o of mg.g.outputs)
      expect(maxRelativeError(r[o.name!] as Float32Array, env.get(o.id)!.data), `ORT ${o.name}`).toBeLessThanOrEqual(1e-4);
  });

  it('lookup: keys and block outputs at flat positions = reference ≤ 1e-12 (interpreter), ≤ 1e-4 (ORT)', async () => {
    const m = await loadModel(memoryFolder('tiny', tinyCheckpoint(opts)));
    const c = setup(m);
    const positions = [0, 5, T + 2, 2 * T + 3];
    const layers = [0, m.spec.layers - 1];
    const mg = buildLookupGraph(m.spec, { batch: B, seqLen: T, positions: positions.length }, m.modules, layers);
    const f = feeds(mg, c, { input_ids: c.ids, attention_mask: c.mask, positions });
    const env = interpret(mg.g, f);
    const out = (name: string) => env.get(mg.g.outputs.find((o) => o.name === name)!.id)!.data;
    const ref = referenceForward(
      m.spec,
      m.weights,
      { batch: B, seqLen: T, inputIds: c.ids, attentionMask: c.mask },
      {
        capture: m.modules.map((x) => x.name),
      },
    );
    const rows = (x: Float64Array, d: number) => positions.flatMap((p) => Array.from(x.subarray(p * d, (p + 1) * d)));
    for (const mod of m.modules)
      expect(maxRelativeError(out(`${mod.name}.keys`), rows(ref.moduleInputs.get(mod.name)!, mod.dIn))).toBeLessThanOrEqual(1e-12);
    for (const l of layers) expect(maxRelativeError(out(`block${l}`), rows(ref.blockOutputs[l], m.spec.hidden))).toBeLessThanOrEqual(1e-12);
    const r = await ort(mg, f);
    for (const o of mg.g.outputs)
      expect(maxRelativeError(r[o.name!] as Float32Array, env.get(o.id)!.data), `ORT ${o.name}`).toBeLessThanOrEqual(1e-4);
  });
});
