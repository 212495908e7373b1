/**
 * Float64 forward pass of every supported architecture, written to follow transformers' modeling
 * code line by line (modeling_gpt2, _llama, _qwen2, _mistral, _gptj, _qwen3, _gemma2, _gemma3, _phi3). Used only by tests: the ONNX graphs' logits are compared to it, and their value
 * gradients to finite differences of its loss (./fd.ts). Slow by design (plain loops, no caching).
 *
 * Masking: causal plus key padding (attention_mask 0 = pad); positions are 0..T−1 as HF uses with
 * right padding. A query with no visible key (an all-pad row) gets a zero attention output.
 */
import { matmul } from '../linalg/matmul';
import { InputError } from '../types';
import { blockPrefix, editableModuleName, embeddingWeightName, finalNormName, lmHeadWeightName } from '../model/modules';
import type { ModelSpec, Tensor32, Weights } from '../model/spec';
import { applyRope, layerRope } from './rope';

export interface ForwardInput {
  batch: number;
  seqLen: number;
  /** [B, T] flat. */
  inputIds: ArrayLike<number>;
  /** [B, T] flat, 1 = token, 0 = padding. */
  attentionMask: ArrayLike<number>;
}

export interface ForwardOptions {
  /** Module paths (e.g. `model.layers.1.mlp.down_proj`) whose inputs and outputs to return. */
  capture?: readonly string[];
  /** Added to a module's output before it joins the residual stream, [B·T, dOut] per module. */
  outputShift?: ReadonlyMap<string, ArrayLike<number>>;
  /**
   * Added to the residual stream leaving block l, [B·T, H] per block (MEMIT's δ, docs/design.md §7;
   * the same as an outputShift of the MLP output only where that joins the residual directly, not
   * through Gemma's post-feedforward norm).
   */
  blockShift?: ReadonlyMap<number, ArrayLike<number>>;
}

export interface ForwardResult {
  /** [B, T, V]. */
  logits: Float64Array;
  /** Captured module inputs, [B·T, dIn] (row = b·T + t). */
  moduleInputs: Map<string, Float64Array>;
  /** Captured module outputs (including any shift), [B·T, dOut]. */
  moduleOutputs: Map<string, Float64Array>;
  /** Residual stream after the last block, before the final norm, [B·T, H]. */
  finalHidden: Float64Array;
  /** Residual stream leaving each block, [B·T, H] (copies). */
  blockOutputs: Float64Array[];
}

export function referenceForward(spec: ModelSpec, weights: Weights, input: ForwardInput, opts: ForwardOptions = {}): ForwardResult {
  const { batch: B, seqLen: T } = input;
  const rows = B * T;
  if (input.inputIds.length !== rows || input.attentionMask.length !== rows) {
    throw new InputError(
      'reference forward',
      `input_ids/attention_mask have ${input.inputIds.length}/${input.attentionMask.length} entries, expected ${B}×${T}`,
    );
  }
  // Mistral/Qwen2's window (slidingWindow); the newer families' layerWindows are applied exactly.
  if (spec.slidingWindow != null && T > spec.slidingWindow) {
    throw new InputError(
      'reference forward',
      `sequence length ${T} exceeds the sliding window ${spec.slidingWindow}, which is not implemented`,
    );
  }
  const W = (name: string): Tensor32 => {
    const t = weights.get(name);
    if (!t) throw new InputError('reference forward', `weight '${name}' is missing`);
    return t;
  };
  const capture = new Set(opts.capture ?? []);
  const moduleInputs = new Map<string, Float64Array>();
  const moduleOutputs = new Map<string, Float64Array>();
  const blockOutputs: Float64Array[] = [];
  const H = spec.hidden;
  const gpt2 = spec.arch === 'gpt2';
  const ln = spec.norm === 'layernorm';
  const norm = (x: Float64Array, prefix: string, width = H) =>
    ln
      ? layerNorm(x, W(`${prefix}.weight`), W(`${prefix}.bias`), spec.normEps)
      : rmsNorm(x, W(`${prefix}.weight`), spec.normEps, spec.normPlusOne, width);

  // Embeddings (+ learned positions on GPT-2; × √hidden on Gemma).
  const emb = W(embeddingWeightName(spec)).data;
  const h = new Float64Array(rows * H);
  for (let r = 0; r < rows; r++) {
    const id = input.inputIds[r];
    if (!(Number.isInteger(id) && id >= 0 && id < spec.vocabSize))
      throw new InputError('reference forward', `input id ${id} at row ${r} is outside [0, ${spec.vocabSize})`);
    for (let c = 0; c < H; c++) h[r * H + c] = emb[id * H + c];
    if (gpt2) {
      const pos = r % T;
      const wpe = W('transformer.wpe.weight').data;
      for (let c = 0; c < H; c++) h[r * H + c] += wpe[pos * H + c];
    }
    if (spec.embedScale !== undefined) for (let c = 0; c < H; c++) h[r * H + c] *= spec.embedScale;
  }
  const q_ = spec.heads * spec.headDim;
  const kv_ = spec.kvHeads * spec.headDim;

  for (let l = 0; l < spec.layers; l++) {
    const p = blockPrefix(spec, l);
    // Attention.
    const a = norm(h, gpt2 || spec.arch === 'gptj' ? `${p}.ln_1` : `${p}.input_layernorm`);
    let q: Float64Array, k: Float64Array, v: Float64Array;
    if (gpt2) {
      const qkv = conv1d(a, W(`${p}.attn.c_attn.weight`), W(`${p}.attn.c_attn.bias`));
      [q, k, v] = splitColumns(qkv, rows, [H, H, H]);
    } else if (spec.arch === 'gptj') {
      [q, k, v] = ['q_proj', 'k_proj', 'v_proj'].map((n) => linear(a, W(`${p}.attn.${n}.weight`), null));
    } else if (spec.arch === 'phi3') {
      // qkv_proj rows: query, then key, then value (Phi3Attention's slices).
      [q, k, v] = splitColumns(linear(a, W(`${p}.self_attn.qkv_proj.weight`), null), rows, [q_, kv_, kv_]);
    } else {
      const bias = (n: string) => (spec.qkvBias ? W(`${p}.self_attn.${n}.bias`) : null);
      q = linear(a, W(`${p}.self_attn.q_proj.weight`), bias('q_proj'));
      k = linear(a, W(`${p}.self_attn.k_proj.weight`), bias('k_proj'));
      v = linear(a, W(`${p}.self_attn.v_proj.weight`), bias('v_proj'));
    }
    if (spec.qkNorm) {
      // q_norm / k_norm over each head's headDim values, before RoPE.
      q = rmsNorm(q, W(`${p}.self_attn.q_norm.weight`), spec.normEps, spec.normPlusOne, spec.headDim);
      k = rmsNorm(k, W(`${p}.self_attn.k_norm.weight`), spec.normEps, spec.normPlusOne, spec.headDim);
    }
    if (spec.rope) {
      const r = layerRope(spec, l, T);
      for (let row = 0; row < rows; row++) {
        for (let hd = 0; hd < spec.heads; hd++) applyRope(q, (row * spec.heads + hd) * spec.headDim, row % T, r);
        for (let hd = 0; hd < spec.kvHeads; hd++) applyRope(k, (row * spec.kvHeads + hd) * spec.headDim, row % T, r);
      }
    }
    const ctx = attention(spec, q, k, v, input, spec.layerWindows?.[l] ?? null);
    let o = gpt2
      ? conv1d(ctx, W(`${p}.attn.c_proj.weight`), W(`${p}.attn.c_proj.bias`))
      : spec.arch === 'gptj'
        ? linear(ctx, W(`${p}.attn.out_proj.weight`), null)
        : linear(ctx, W(`${p}.self_attn.o_proj.weight`), null);
    if (spec.sandwichNorms) o = norm(o, `${p}.post_attention_layernorm`);
    // GPT-J's MLP reads ln_1's output too, and joins the residual with the attention (h = attn + mlp + h).
    if (!spec.parallelBlock) addInPlace(h, o);

    // MLP; the editable module is its output projection.
    const m = spec.parallelBlock
      ? a
      : norm(h, gpt2 ? `${p}.ln_2` : spec.sandwichNorms ? `${p}.pre_feedforward_layernorm` : `${p}.post_attention_layernorm`);
    let act: Float64Array;
    let out: Float64Array;
    const modName = editableModuleName(spec, l);
    if (gpt2) {
      act = conv1d(m, W(`${p}.mlp.c_fc.weight`), W(`${p}.mlp.c_fc.bias`)).map(geluTanh);
      out = conv1d(act, W(`${p}.mlp.c_proj.weight`), W(`${p}.mlp.c_proj.bias`));
    } else if (spec.arch === 'gptj') {
      act = linear(m, W(`${p}.mlp.fc_in.weight`), W(`${p}.mlp.fc_in.bias`)).map(geluTanh);
      out = linear(act, W(`${p}.mlp.fc_out.weight`), W(`${p}.mlp.fc_out.bias`));
    } else {
      const bias = (n: string) => (spec.mlpBias ? W(`${p}.mlp.${n}.bias`) : null);
      let gate: Float64Array, up: Float64Array;
      if (spec.arch === 'phi3') {
        // gate_up_proj(x).chunk(2): the gate is the first half.
        const I = spec.intermediate;
        [gate, up] = splitColumns(linear(m, W(`${p}.mlp.gate_up_proj.weight`), null), rows, [I, I]);
      } else {
        gate = linear(m, W(`${p}.mlp.gate_proj.weight`), bias('gate_proj'));
        up = linear(m, W(`${p}.mlp.up_proj.weight`), bias('up_proj'));
      }
      const f = spec.act === 'silu' ? silu : geluTanh;
      act = gate.map((g, i) => f(g) * up[i]);
      out = linear(act, W(`${p}.mlp.down_proj.weight`), bias('down_proj'));
    }
    const shift = opts.outputShift?.get(modName);
    if (shift) {
      if (shift.length !== out.length)
        throw new InputError('reference forward', `outputShift for '${modName}' has ${shift.length} values, expected ${out.length}`);
      for (let i = 0; i < out.length; i++) out[i] += shift[i];
    }
    if (capture.has(modName)) {
      moduleInputs.set(modName, act);
      moduleOutputs.set(modName, out);
    }
    const joined = spec.sandwichNorms ? norm(out, `${p}.post_feedforward_layernorm`) : out;
    if (spec.parallelBlock) {
      for (let i = 0; i < h.length; i++) h[i] = o[i] + joined[i] + h[i];
    } else addInPlace(h, joined);
    const bs = opts.blockShift?.get(l);
    if (bs) for (let i = 0; i < h.length; i++) h[i] += bs[i];
    blockOutputs.push(Float64Array.from(h));
  }

  const finalHidden = h;
  const n = norm(h, finalNormName(spec));
  const head = W(lmHeadWeightName(spec));
  const logits = matmul(n, head.data, { m: rows, k: H, n: spec.vocabSize, transB: true });
  if (spec.lmHeadBias) addRowBias(logits, W('lm_head.bias').data);
  const cap = spec.finalSoftcap;
  if (cap != null) for (let i = 0; i < logits.length; i++) logits[i] = cap * Math.tanh(logits[i] / cap);
  return { logits, moduleInputs, moduleOutputs, finalHidden, blockOutputs };
}

/**
 * Scaled dot-product attention, heads sharing kv heads in groups (HF repeat_kv: query head i uses
 * kv head ⌊i / (heads/kvHeads)⌋). q [B·T, heads·d], k/v [B·T, kvHeads·d] → [B·T, heads·d].
 */
function attention(
  spec: ModelSpec,
  q: Float64Array,
  k: Float64Array,
  v: Float64Array,
  input: ForwardInput,
  window: number | null,
): Float64Array {
  const { batch: B, seqLen: T, attentionMask: mask } = input;
  const d = spec.headDim;
  const group = spec.heads / spec.kvHeads;
  const out = new Float64Array(B * T * spec.heads * d);
  const scale = spec.attnScale ?? 1 / Math.sqrt(d);
  const cap = spec.attnSoftcap ?? null;
  const scores = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    for (let hq = 0; hq < spec.heads; hq++) {
      const hk = Math.floor(hq / group);
      for (let i = 0; i < T; i++) {
        const qo = ((b * T + i) * spec.heads + hq) * d;
        let max = -Infinity;
        for (let j = 0; j <= i; j++) {
          // Key padding, and (a sliding-window layer) keys w or more positions back.
          if (mask[b * T + j] === 0 || (window !== null && i - j >= window)) {
            scores[j] = -Infinity;
            continue;
          }
          const ko = ((b * T + j) * spec.kvHeads + hk) * d;
          let s = 0;
          for (let c = 0; c < d; c++) s += q[qo + c] * k[ko + c];
          scores[j] = cap === null ? s * scale : cap * Math.tanh((s * scale) / cap);
          max = Math.max(max, scores[j]);
        }
        if (max === -Infinity) continue;
        let z = 0;
        for (let j = 0; j <= i; j++) z += scores[j] === -Infinity ? 0 : (scores[j] = Math.exp(scores[j] - max));
        for (let j = 0; j <= i; j++) {
          if (scores[j] === -Infinity) continue;
          const w = scores[j] / z;
          const vo = ((b * T + j) * spec.kvHeads + hk) * d;
          for (let c = 0; c < d; c++) out[qo + c] += w * v[vo + c];
        }
      }
    }
  }
  return out;
}

/** torch.nn.Linear: y = x·Wᵀ + b, W [out, in]. */
function linear(x: Float64Array, w: Tensor32, bias: Tensor32 | null): Float64Array {
  const [dOut, dIn] = w.shape;
  const y = matmul(x, w.data, { m: x.length / dIn, k: dIn, n: dOut, transB: true });
  if (bias) addRowBias(y, bias.data);
  return y;
}

/** GPT-2 Conv1D: y = x·W + b, W [in, out]. */
function conv1d(x: Float64Array, w: Tensor32, bias: Tensor32): Float64Array {
  const [dIn, dOut] = w.shape;
  const y = matmul(x, w.data, { m: x.length / dIn, k: dIn, n: dOut });
  addRowBias(y, bias.data);
  return y;
}

function addRowBias(y: Float64Array, b: ArrayLike<number>): void {
  const n = b.length;
  for (let i = 0; i < y.length; i++) y[i] += b[i % n];
}

function addInPlace(a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < a.length; i++) a[i] += b[i];
}

function splitColumns(x: Float64Array, rows: number, widths: number[]): Float64Array[] {
  const total = widths.reduce((s, w) => s + w, 0);
  let off = 0;
  return widths.map((w) => {
    const out = new Float64Array(rows * w);
    for (let r = 0; r < rows; r++) for (let c = 0; c < w; c++) out[r * w + c] = x[r * total + off + c];
    off += w;
    return out;
  });
}

/** nn.LayerNorm: (x − mean)/√(var + eps)·w + b, biased variance over the last dim. */
export function layerNorm(x: Float64Array, w: Tensor32, b: Tensor32, eps: number): Float64Array {
  const H = w.data.length;
  const y = new Float64Array(x.length);
  for (let r = 0; r < x.length / H; r++) {
    let mean = 0;
    for (let c = 0; c < H; c++) mean += x[r * H + c];
    mean /= H;
    let v = 0;
    for (let c = 0; c < H; c++) v += (x[r * H + c] - mean) ** 2;
    const inv = 1 / Math.sqrt(v / H + eps);
    for (let c = 0; c < H; c++) y[r * H + c] = (x[r * H + c] - mean) * inv * w.data[c] + b.data[c];
  }
  return y;
}

/**
 * LlamaRMSNorm: x·rsqrt(mean(x²) + eps)·w over groups of `w.length` values (a row, or one head of q/k);
 * Gemma's (plusOne): ·(1 + w).
 */
export function rmsNorm(x: Float64Array, w: Tensor32, eps: number, plusOne = false, width = w.data.length): Float64Array {
  const H = width;
  if (w.data.length !== H) throw new InputError('reference forward', `a norm of ${w.data.length} weights over groups of ${H}`);
  const y = new Float64Array(x.length);
  for (let r = 0; r < x.length / H; r++) {
    let ms = 0;
    for (let c = 0; c < H; c++) ms += x[r * H + c] ** 2;
    const inv = 1 / Math.sqrt(ms / H + eps);
    for (let c = 0; c < H; c++) y[r * H + c] = x[r * H + c] * inv * (plusOne ? 1 + w.data[c] : w.data[c]);
  }
  return y;
}

/** gelu_new: ½x(1 + tanh(√(2/π)(x + 0.044715x³))). */
export function geluTanh(x: number): number {
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
}

export function silu(x: number): number {
  return x / (1 + Math.exp(-x));
}

/** The logits at the last position of one unpadded sequence (greedy decoding in tests). */
export function lastLogits(spec: ModelSpec, weights: Weights, ids: readonly number[]): Float64Array {
  const { logits } = referenceForward(spec, weights, { batch: 1, seqLen: ids.length, inputIds: ids, attentionMask: ids.map(() => 1) });
  return logits.subarray((ids.length - 1) * spec.vocabSize, ids.length * spec.vocabSize);
}
