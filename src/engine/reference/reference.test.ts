import { describe, expect, it } from 'vitest';
import { memoryFolder } from '../io/memory';
import { matmul } from '../linalg/matmul';
import { tinyCheckpoint, type TinyOptions } from '../model/generate-tiny';
import { loadModel, type LoadedModel } from '../model/load';
import { finalNormName, lmHeadWeightName } from '../model/modules';
import type { ModelSpec, Weights } from '../model/spec';
import { Rng } from '../util/rng';
import { moduleOutputGradFD, labelRows, referenceLoss, type LabeledInput } from './fd';
import { geluTanh, referenceForward, silu } from './forward';
import { meanCrossEntropy } from './loss';
import { applyRope, ropeInvFreq } from './rope';

const ARCHS = ['gpt2', 'llama', 'qwen2', 'mistral', 'gptj', 'qwen3', 'gemma2', 'gemma3_text', 'phi3'] as const;

async function tiny(opts: TinyOptions): Promise<LoadedModel> {
  return loadModel(memoryFolder(`tiny-${opts.arch}`, tinyCheckpoint(opts)));
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

function randomIds(rng: Rng, n: number, vocab: number): number[] {
  return Array.from({ length: n }, () => rng.int(vocab));
}

describe('reference forward: structure', () => {
  it.each(ARCHS)('%s: causal (a later token never changes earlier logits)', async (arch) => {
    const m = await tiny({ arch, seed: 3 });
    const rng = new Rng(11);
    const T = 7;
    const ids = randomIds(rng, T, m.tokenizer.vocabSize);
    const ids2 = ids.slice();
    ids2[5] = (ids[5] + 17) % m.tokenizer.vocabSize;
    const run = (x: number[]) =>
      referenceForward(m.spec, m.weights, { batch: 1, seqLen: T, inputIds: x, attentionMask: x.map(() => 1) }).logits;
    const a = run(ids);
    const b = run(ids2);
    const V = m.spec.vocabSize;
    expect(maxRelDiff(a.subarray(0, 5 * V), b.subarray(0, 5 * V))).toBe(0);
    expect(maxRelDiff(a.subarray(5 * V, 6 * V), b.subarray(5 * V, 6 * V))).toBeGreaterThan(1e-3);
  });

  it.each(ARCHS)('%s: right padding leaves the real positions unchanged (≤1e-12)', async (arch) => {
    const m = await tiny({ arch, seed: 4 });
    const rng = new Rng(12);
    const V = m.spec.vocabSize;
    const a = randomIds(rng, 4, m.tokenizer.vocabSize);
    const b = randomIds(rng, 7, m.tokenizer.vocabSize);
    const alone = referenceForward(m.spec, m.weights, { batch: 1, seqLen: 4, inputIds: a, attentionMask: [1, 1, 1, 1] }).logits;
    const padded = referenceForward(m.spec, m.weights, {
      batch: 2,
      seqLen: 7,
      inputIds: [...a, 0, 0, 0, ...b],
      attentionMask: [1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1],
    }).logits;
    expect(maxRelDiff(padded.subarray(0, 4 * V), alone)).toBeLessThanOrEqual(1e-12);
    const bAlone = referenceForward(m.spec, m.weights, { batch: 1, seqLen: 7, inputIds: b, attentionMask: b.map(() => 1) }).logits;
    expect(maxRelDiff(padded.subarray(7 * V), bAlone)).toBeLessThanOrEqual(1e-12);
    expect(padded.every(Number.isFinite)).toBe(true);
  });

  it.each(['llama', 'qwen2', 'qwen3', 'gemma2'] as const)(
    '%s: GQA with kvHeads=1 equals MHA with the kv head replicated (≤1e-12)',
    async (arch) => {
      const m = await tiny({ arch, seed: 5, heads: 4, kvHeads: 1 });
      const mha: ModelSpec = { ...m.spec, kvHeads: m.spec.heads };
      const w: Weights = new Map(m.weights);
      const d = m.spec.headDim;
      for (let l = 0; l < m.spec.layers; l++) {
        for (const p of ['k_proj', 'v_proj']) {
          for (const kind of ['weight', 'bias']) {
            const name = `model.layers.${l}.self_attn.${p}.${kind}`;
            const t = m.weights.get(name);
            if (!t) continue;
            const rep = new Float32Array(t.data.length * m.spec.heads);
            for (let h = 0; h < m.spec.heads; h++) rep.set(t.data, h * t.data.length);
            w.set(name, { shape: kind === 'weight' ? [m.spec.heads * d, m.spec.hidden] : [m.spec.heads * d], data: rep });
          }
        }
      }
      const ids = randomIds(new Rng(1), 6, m.tokenizer.vocabSize);
      const input = { batch: 1, seqLen: 6, inputIds: ids, attentionMask: ids.map(() => 1) };
      const gqa = referenceForward(m.spec, m.weights, input).logits;
      const full = referenceForward(mha, w, input).logits;
      expect(maxRelDiff(gqa, full)).toBeLessThanOrEqual(1e-12);
    },
  );

  it.each(ARCHS)('%s: captured module output = input · W (+ b) of the editable module', async (arch) => {
    const m = await tiny({ arch, seed: 6 });
    const mod = m.modules[1];
    const ids = randomIds(new Rng(2), 5, m.tokenizer.vocabSize);
    const r = referenceForward(
      m.spec,
      m.weights,
      { batch: 1, seqLen: 5, inputIds: ids, attentionMask: ids.map(() => 1) },
      { capture: [mod.name] },
    );
    const k = r.moduleInputs.get(mod.name)!;
    const W = m.weights.get(mod.weight)!;
    const y = matmul(k, W.data, { m: 5, k: mod.dIn, n: mod.dOut, transB: mod.layout === 'linear' });
    const bias = m.weights.get(`${mod.name}.bias`);
    if (bias) for (let i = 0; i < y.length; i++) y[i] += bias.data[i % mod.dOut];
    expect(maxRelDiff(y, r.moduleOutputs.get(mod.name)!)).toBeLessThanOrEqual(1e-13);
  });

  it('rejects sequences longer than a sliding window instead of guessing its semantics', async () => {
    const m = await tiny({ arch: 'mistral', seed: 1 });
    const spec = { ...m.spec, slidingWindow: 3 };
    expect(() => referenceForward(spec, m.weights, { batch: 1, seqLen: 4, inputIds: [1, 2, 3, 4], attentionMask: [1, 1, 1, 1] })).toThrow(
      /sliding window 3/,
    );
  });

  it.each(['gemma2', 'phi3'] as const)('%s: the sliding window binds exactly (query i sees keys i−w+1 … i)', async (arch) => {
    const m = await tiny({ arch, seed: 7, window: 3 });
    const ids = randomIds(new Rng(4), 6, m.tokenizer.vocabSize);
    const input = { batch: 1, seqLen: 6, inputIds: ids, attentionMask: ids.map(() => 1) };
    const run = (w: number | null) =>
      referenceForward({ ...m.spec, layerWindows: m.spec.layerWindows!.map((x) => (x === null ? null : w)) }, m.weights, input).logits;
    const V = m.spec.vocabSize;
    const [w3, full, w6] = [run(3), run(null), run(6)];
    // Positions 0–2 see every earlier key within 3; position 3 on loses key 0.
    expect(maxRelDiff(w3.subarray(0, 3 * V), full.subarray(0, 3 * V))).toBe(0);
    expect(maxRelDiff(w3.subarray(3 * V), full.subarray(3 * V))).toBeGreaterThan(1e-4);
    expect(maxRelDiff(w6, full)).toBe(0);
    // Changing token 0 reaches position 3 only through layers: with one layer it could not.
    const one = await tiny({ arch, seed: 7, window: 3, layers: 1 });
    const ids2 = ids.slice();
    ids2[0] = (ids[0] + 5) % one.tokenizer.vocabSize;
    const at3 = (x: number[]) => referenceForward(one.spec, one.weights, { ...input, inputIds: x }).logits.subarray(3 * V, 4 * V);
    expect(maxRelDiff(at3(ids), at3(ids2))).toBe(0);
  });

  it('activations match their closed forms at known points', () => {
    expect(geluTanh(1)).toBeCloseTo(0.8411919906082768, 15);
    expect(geluTanh(-2)).toBeCloseTo(-0.04540230591222, 13);
    expect(silu(1)).toBeCloseTo(0.7310585786300049, 15);
  });
});

describe('rope', () => {
  it('rotations make q·k depend only on the position difference', async () => {
    const m = await tiny({ arch: 'llama', seed: 1 });
    const inv = ropeInvFreq(m.spec);
    const rng = new Rng(3);
    const q = rng.normals(m.spec.headDim) as Float64Array;
    const k = rng.normals(m.spec.headDim) as Float64Array;
    const dot = (i: number, j: number) => {
      const a = q.slice();
      const b = k.slice();
      applyRope(a, 0, i, inv);
      applyRope(b, 0, j, inv);
      return a.reduce((s, x, c) => s + x * b[c], 0);
    };
    expect(Math.abs(dot(7, 3) - dot(4, 0))).toBeLessThan(1e-12);
    expect(Math.abs(dot(7, 3) - dot(3, 7))).toBeGreaterThan(1e-6);
  });

  it('llama3 scaling: short wavelengths kept, long ones divided by factor, the band between interpolated', () => {
    const s = { factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192 };
    const spec = { rope: { theta: 500000, scaling: { type: 'llama3' as const, ...s } }, headDim: 128, arch: 'llama' } as ModelSpec;
    const scaled = ropeInvFreq(spec);
    const plain = ropeInvFreq({ ...spec, rope: { theta: 500000 } });
    let kept = 0,
      divided = 0,
      between = 0;
    for (let i = 0; i < plain.length; i++) {
      const wavelen = (2 * Math.PI) / plain[i];
      if (wavelen < 8192 / 4) {
        expect(scaled[i]).toBe(plain[i]);
        kept++;
      } else if (wavelen > 8192) {
        expect(scaled[i]).toBeCloseTo(plain[i] / 8, 15);
        divided++;
      } else {
        const smooth = (8192 / wavelen - 1) / 3;
        expect(scaled[i]).toBeCloseTo((1 - smooth) * (plain[i] / 8) + smooth * plain[i], 15);
        expect(scaled[i]).toBeLessThanOrEqual(plain[i]);
        expect(scaled[i]).toBeGreaterThanOrEqual(plain[i] / 8);
        between++;
      }
    }
    // Llama 3.1's 128-dim heads have all three regimes.
    expect(kept * divided * between).toBeGreaterThan(0);
  });
});

describe('loss', () => {
  it('is the mean over all label positions of the batch, pooled, −100 ignored', () => {
    const V = 3;
    const logits = [0, 0, 0, 0, Math.log(3), 0, 9, 9, 9, 1, 2, 3];
    const labels = [1, 1, -100, 2];
    const ce3 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3;
    expect(meanCrossEntropy(logits, labels, V)).toBeCloseTo((Math.log(3) + Math.log(5 / 3) + ce3) / 3, 14);
    expect(meanCrossEntropy(logits, [-100, -100, -100, -100], V)).toBeNaN();
    expect(() => meanCrossEntropy(logits, [3, -100, -100, -100], V)).toThrow(/label 3/);
  });
});

/** dL/d(final residual) analytically: CE → LM head → final norm (per row). */
function analyticFinalGrad(m: LoadedModel, input: LabeledInput): Float64Array {
  const { spec, weights } = m;
  const r = referenceForward(spec, weights, input);
  const H = spec.hidden;
  const V = spec.vocabSize;
  const rows = labelRows(input.labels);
  const E = weights.get(lmHeadWeightName(spec))!.data;
  const ln = spec.norm === 'layernorm';
  const w0 = weights.get(`${finalNormName(spec)}.weight`)!.data;
  const w = spec.normPlusOne ? w0.map((x) => 1 + x) : w0;
  const cap = spec.finalSoftcap ?? null;
  const out = new Float64Array(input.batch * input.seqLen * H);
  for (const row of rows) {
    const z = r.logits.subarray(row * V, (row + 1) * V);
    const mx = Math.max(...z);
    const e = Array.from(z, (v) => Math.exp(v - mx));
    const se = e.reduce((a, b) => a + b, 0);
    // Through a final soft cap c·tanh(u/c): du = dz·(1 − (z/c)²).
    const dz = e.map((v, j) => ((v / se - (j === input.labels[row] ? 1 : 0)) / rows.length) * (cap === null ? 1 : 1 - (z[j] / cap) ** 2));
    const gn = new Float64Array(H);
    for (let j = 0; j < V; j++) for (let c = 0; c < H; c++) gn[c] += dz[j] * E[j * H + c];
    const x = r.finalHidden.subarray(row * H, (row + 1) * H);
    const dx = out.subarray(row * H, (row + 1) * H);
    if (ln) {
      const mu = x.reduce((a, b) => a + b, 0) / H;
      const s = 1 / Math.sqrt(x.reduce((a, b) => a + (b - mu) ** 2, 0) / H + spec.normEps);
      const xh = Array.from(x, (v) => (v - mu) * s);
      const gh = Array.from(gn, (g, c) => g * w[c]);
      const m1 = gh.reduce((a, b) => a + b, 0) / H;
      const m2 = gh.reduce((a, g, c) => a + g * xh[c], 0) / H;
      for (let c = 0; c < H; c++) dx[c] = s * (gh[c] - m1 - xh[c] * m2);
    } else {
      const s = 1 / Math.sqrt(x.reduce((a, b) => a + b * b, 0) / H + spec.normEps);
      const dotv = x.reduce((a, v, c) => a + v * gn[c] * w[c], 0);
      for (let c = 0; c < H; c++) dx[c] = s * w[c] * gn[c] - (s ** 3 * x[c] * dotv) / H;
    }
  }
  return out;
}

/** dL/dx of y = RMSNorm(x)·(1 + w) (the last block's post_feedforward_layernorm, x its MLP output) from dL/dy. */
function rmsNormBackward(m: LoadedModel, input: LabeledInput, mod: string, gy: Float64Array): Float64Array {
  const { spec, weights } = m;
  const H = spec.hidden;
  const x = referenceForward(spec, weights, input, { capture: [mod] }).moduleOutputs.get(mod)!;
  const w = weights.get(`model.layers.${spec.layers - 1}.post_feedforward_layernorm.weight`)!.data.map((v) => 1 + v);
  const out = new Float64Array(gy.length);
  for (let r = 0; r < gy.length / H; r++) {
    const xr = x.subarray(r * H, (r + 1) * H);
    const g = gy.subarray(r * H, (r + 1) * H);
    const s = 1 / Math.sqrt(xr.reduce((a, b) => a + b * b, 0) / H + spec.normEps);
    const dotv = xr.reduce((a, v, c) => a + v * g[c] * w[c], 0);
    for (let c = 0; c < H; c++) out[r * H + c] = s * w[c] * g[c] - (s ** 3 * xr[c] * dotv) / H;
  }
  return out;
}

describe('finite-difference value gradients', () => {
  const batchInput = (m: LoadedModel): LabeledInput => {
    const rng = new Rng(21);
    const vs = m.tokenizer.vocabSize;
    const ids = [...randomIds(rng, 5, vs), 0, 0, ...randomIds(rng, 7, vs)];
    return {
      batch: 2,
      seqLen: 7,
      inputIds: ids,
      attentionMask: [1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1],
      labels: [-100, -100, -100, ids[3], ids[4], -100, -100, -100, -100, -100, -100, ids[11], ids[12], ids[13]].map((x, i) =>
        x === -100 ? x : (x * 7 + i) % vs,
      ),
    };
  };

  it.each(ARCHS)('%s: last module, central FD (h=1e-5) matches the analytic gradient (rel ≤1e-6)', async (arch) => {
    const m = await tiny({ arch, seed: 8, tied: arch === 'llama' ? true : undefined });
    const input = batchInput(m);
    const mod = m.modules[m.modules.length - 1].name;
    const rows = labelRows(input.labels);
    const fd = moduleOutputGradFD(m.spec, m.weights, input, mod, { h: 1e-5 });
    let exact = analyticFinalGrad(m, input);
    // Gemma: the module output reaches the residual through post_feedforward_layernorm, (1 + w) RMSNorm.
    if (m.spec.sandwichNorms) exact = rmsNormBackward(m, input, mod, exact);
    const H = m.spec.hidden;
    const want = new Float64Array(rows.length * H);
    rows.forEach((r, i) => want.set(exact.subarray(r * H, (r + 1) * H), i * H));
    expect(maxRelDiff(fd, want)).toBeLessThanOrEqual(1e-6);
    // A row without a label does not reach the loss through the last module.
    const unl = moduleOutputGradFD(m.spec, m.weights, input, mod, { rows: [1] });
    expect(Math.max(...Array.from(unl, Math.abs))).toBe(0);
  });

  it.each(ARCHS)('%s: first module, FD gradient predicts the loss change along a random direction (rel ≤1e-6)', async (arch) => {
    const m = await tiny({ arch, seed: 9 });
    const input = batchInput(m);
    const mod = m.modules[0].name;
    const all = Array.from({ length: input.batch * input.seqLen }, (_, i) => i);
    const g = moduleOutputGradFD(m.spec, m.weights, input, mod, { rows: all });
    // Earlier layers feed later positions: a non-label row has a gradient here.
    const H = m.spec.hidden;
    expect(Math.max(...Array.from(g.subarray(1 * H, 2 * H), Math.abs))).toBeGreaterThan(1e-8);
    const dir = new Rng(4).normals(g.length) as Float64Array;
    const eps = 1e-5;
    const L = (s: number) => referenceLoss(m.spec, m.weights, input, new Map([[mod, dir.map((x) => x * s)]]));
    const directional = (L(eps) - L(-eps)) / (2 * eps);
    const predicted = g.reduce((a, x, i) => a + x * dir[i], 0);
    expect(Math.abs(directional - predicted) / Math.abs(predicted)).toBeLessThanOrEqual(1e-6);
  });

  it('names an unknown module instead of returning a zero gradient', async () => {
    const m = await tiny({ arch: 'llama', seed: 1 });
    const input = batchInput(m);
    expect(() => moduleOutputGradFD(m.spec, m.weights, input, 'model.layers.9.mlp.down_proj')).toThrow(/model\.layers\.9\.mlp\.down_proj/);
  });
});
