/**
 * Gemma 2 written a second time, the way modeling_gemma2.py computes it, from config.json's own
 * fields and the checkpoint's tensors (not the lab's ModelSpec or its forward):
 * - embeddings × hidden_size**0.5 (the normalizer in the embedding's dtype, float32 here);
 * - Gemma2RMSNorm: x·rsqrt(mean(x²) + eps)·(1 + w);
 * - the decoder layer's four norms: input_layernorm → attention → post_attention_layernorm → +residual,
 *   pre_feedforward_layernorm → MLP → post_feedforward_layernorm → +residual;
 * - eager_attention_forward: q·kᵀ·query_pre_attn_scalar**−0.5, then the soft cap
 *   tanh(scores / attn_logit_softcapping)·attn_logit_softcapping, then the mask (causal, and on the
 *   sliding layers — layer_types: every even layer — kv_idx > q_idx − sliding_window), softmax, ·v;
 *   rotate_half RoPE over cat(freqs, freqs); repeat_kv for the grouped heads;
 * - Gemma2MLP: down_proj(gelu_pytorch_tanh(gate_proj(x)) · up_proj(x));
 * - the tied lm_head, and the final cap tanh(logits / c)·c.
 * On a 2-layer tiny checkpoint (layer 0 local, window 3 over 7 tokens; weights of std 1 so that both
 * caps bind) the lab's float64 reference agrees to 1e-12 relative and the ONNX graph the page and
 * the CLI run to 1e-4 (ORT fp32); without the attention cap the transcription moves by > 1e-2, so the
 * comparison does see the cap.
 */
import { describe, expect, it } from 'vitest';
import { maxRelativeError } from '../gpu/compare';
import { buildForwardGraph } from '../graph/models/transformer';
import { GraphSession } from '../graph/ort-session';
import { memoryFolder } from '../io/memory';
import { tinyCheckpoint } from '../model/generate-tiny';
import { loadModel } from '../model/load';
import type { Weights } from '../model/spec';
import { referenceForward } from './forward';

const T = 7;

interface Gemma2Config {
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads: number;
  head_dim: number;
  vocab_size: number;
  rms_norm_eps: number;
  rope_theta: number;
  query_pre_attn_scalar: number;
  sliding_window: number;
  attn_logit_softcapping: number | null;
  final_logit_softcapping: number | null;
}

type Rows = number[][];

/** nn.Linear without bias: x [T, in] · Wᵀ with W [out, in]. */
const linear = (x: Rows, w: Weights, name: string): Rows => {
  const t = w.get(name)!;
  const [out, inn] = t.shape;
  return x.map((row) => Array.from({ length: out }, (_, o) => row.reduce((s, xi, i) => s + xi * t.data[o * inn + i], 0)));
};

const rmsNorm = (x: Rows, w: Weights, name: string, eps: number): Rows => {
  const g = w.get(name)!.data;
  return x.map((row) => {
    const r = 1 / Math.sqrt(row.reduce((s, v) => s + v * v, 0) / row.length + eps);
    return row.map((v, i) => v * r * (1 + g[i]));
  });
};

const geluPytorchTanh = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
const add = (a: Rows, b: Rows): Rows => a.map((r, i) => r.map((v, j) => v + b[i][j]));
const cap = (x: number, c: number | null) => (c === null ? x : Math.tanh(x / c) * c);

/** q (or k) of one head at position t, rotate_half RoPE with cos/sin of cat(freqs, freqs). */
function rope(x: number[], t: number, theta: number): number[] {
  const D = x.length;
  const half = D / 2;
  const invFreq = Array.from({ length: half }, (_, i) => 1 / theta ** ((2 * i) / D));
  const emb = [...invFreq, ...invFreq].map((f) => t * f);
  const rotated = [...x.slice(half).map((v) => -v), ...x.slice(0, half)];
  return x.map((v, i) => v * Math.cos(emb[i]) + rotated[i] * Math.sin(emb[i]));
}

function attention(c: Gemma2Config, h: Rows, w: Weights, p: string, sliding: boolean): Rows {
  const { num_attention_heads: nh, num_key_value_heads: nkv, head_dim: D } = c;
  const q = linear(h, w, `${p}.q_proj.weight`);
  const k = linear(h, w, `${p}.k_proj.weight`);
  const v = linear(h, w, `${p}.v_proj.weight`);
  const scaling = c.query_pre_attn_scalar ** -0.5;
  const out: Rows = h.map(() => new Array(nh * D).fill(0));
  for (let head = 0; head < nh; head++) {
    const kvHead = Math.floor(head / (nh / nkv)); // repeat_kv
    const qh = q.map((r, t) => rope(r.slice(head * D, (head + 1) * D), t, c.rope_theta));
    const kh = k.map((r, t) => rope(r.slice(kvHead * D, (kvHead + 1) * D), t, c.rope_theta));
    const vh = v.map((r) => r.slice(kvHead * D, (kvHead + 1) * D));
    for (let i = 0; i < T; i++) {
      const scores = kh.map((kj, j) => {
        const s = cap(qh[i].reduce((acc, qi, d) => acc + qi * kj[d], 0) * scaling, c.attn_logit_softcapping);
        const visible = j <= i && (!sliding || j > i - c.sliding_window);
        return visible ? s : -Infinity;
      });
      const m = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - m));
      const z = e.reduce((a, b) => a + b, 0);
      for (let d = 0; d < D; d++) out[i][head * D + d] = e.reduce((acc, ej, j) => acc + (ej / z) * vh[j][d], 0);
    }
  }
  return linear(out, w, `${p}.o_proj.weight`);
}

function gemma2Logits(c: Gemma2Config, w: Weights, ids: number[]): number[] {
  const H = c.hidden_size;
  const emb = w.get('model.embed_tokens.weight')!.data;
  const normalizer = Math.fround(Math.sqrt(H));
  let h: Rows = ids.map((id) => Array.from({ length: H }, (_, i) => emb[id * H + i] * normalizer));
  for (let l = 0; l < c.num_hidden_layers; l++) {
    const p = `model.layers.${l}`;
    const sliding = (l + 1) % 2 !== 0; // layer_types: sliding_attention on the even layers
    let r = rmsNorm(h, w, `${p}.input_layernorm.weight`, c.rms_norm_eps);
    r = attention(c, r, w, `${p}.self_attn`, sliding);
    h = add(h, rmsNorm(r, w, `${p}.post_attention_layernorm.weight`, c.rms_norm_eps));
    r = rmsNorm(h, w, `${p}.pre_feedforward_layernorm.weight`, c.rms_norm_eps);
    const gate = linear(r, w, `${p}.mlp.gate_proj.weight`);
    const up = linear(r, w, `${p}.mlp.up_proj.weight`);
    r = linear(
      gate.map((g, t) => g.map((gi, i) => geluPytorchTanh(gi) * up[t][i])),
      w,
      `${p}.mlp.down_proj.weight`,
    );
    h = add(h, rmsNorm(r, w, `${p}.post_feedforward_layernorm.weight`, c.rms_norm_eps));
  }
  h = rmsNorm(h, w, 'model.norm.weight', c.rms_norm_eps);
  const V = c.vocab_size;
  return h.flatMap((row) =>
    Array.from({ length: V }, (_, v) =>
      cap(
        row.reduce((s, x, i) => s + x * emb[v * H + i], 0),
        c.final_logit_softcapping,
      ),
    ),
  );
}

describe('Gemma 2 against a second transcription of modeling_gemma2.py', () => {
  it('soft caps, four norms, sliding layer 0, tied capped head: reference ≤ 1e-12, ONNX graph ≤ 1e-4', async () => {
    const files = tinyCheckpoint({ arch: 'gemma2', seed: 53, layers: 2, std: 1 });
    const config = JSON.parse(files.get('config.json') as string) as Gemma2Config;
    expect(config.sliding_window).toBeLessThan(T);
    const m = await loadModel(memoryFolder('tiny-gemma2', files));
    const w = m.weights as Weights;
    const ids = Array.from({ length: T }, (_, i) => (11 * i + 4) % config.vocab_size);

    const want = gemma2Logits(config, w, ids);
    const uncapped = gemma2Logits({ ...config, attn_logit_softcapping: null }, w, ids);
    expect(maxRelativeError(uncapped, want)).toBeGreaterThan(1e-2);

    const ref = referenceForward(m.spec, w, { batch: 1, seqLen: T, inputIds: ids, attentionMask: ids.map(() => 1) }).logits;
    expect(maxRelativeError(ref, want)).toBeLessThanOrEqual(1e-12);

    const mg = buildForwardGraph(m.spec, { batch: 1, seqLen: T });
    const s = await GraphSession.fromGraph(mg.g);
    const feeds = Object.fromEntries(
      mg.g.inputs.map((v) => [
        v.name!,
        v.name === 'input_ids' ? Int32Array.from(ids) : v.name === 'attention_mask' ? new Int32Array(T).fill(1) : w.get(v.name!)!.data,
      ]),
    );
    const ort = (await s.run(feeds)).logits as Float32Array;
    await s.release();
    expect(maxRelativeError(ort, want)).toBeLessThanOrEqual(1e-4);
  });
});
