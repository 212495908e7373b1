/**
 * Graphs of a decoder-only transformer (GPT-2, GPT-J, Llama, Mistral, Qwen2, Qwen3, Gemma 2, Gemma 3,
 * Phi-3) from its ModelSpec. Weights
 * are graph inputs named by their Hugging Face checkpoint names (canonical, see model/modules.ts).
 *
 * - capture: loss (mean CE over label positions) and, per edited module, keys [N, d_in] (module
 *   inputs) and grads [N, d_out] (dL/d module output) at the label positions. Backward runs only
 *   from the loss down to the lowest edited module; no weight gradients; the final norm and LM
 *   head run only on the N label rows.
 * - loss: the capture graph's loss alone (the demo trainer differentiates it w.r.t. the weights).
 * - forward: logits [B, T, V] (tests, and the forward-only timing baseline).
 *
 * Label positions may be padded to a bucket with −1: such a row reads row 0, its label is treated
 * as ignored (−100, see crossEntropy) and its keys/grads rows are to be dropped by the caller.
 */
import type { EditableModule, ModelSpec } from '../../model/spec';
import {
  blockPrefix,
  editableModuleName,
  embeddingWeightName,
  expectedTensors,
  finalNormName,
  lmHeadWeightName,
} from '../../model/modules';
import { layerRope } from '../../reference/rope';
import { GraphBuilder } from '../builder';
import { blockName, rowBlocks } from './weight-blocks';
import type { Value } from '../ir';
import {
  attention,
  causalPaddingMask,
  crossEntropy,
  IGNORE_INDEX,
  geluTanh,
  layerNorm,
  linear,
  mergeHeads,
  rmsNorm,
  rope,
  silu,
  softcap,
  splitHeads,
} from '../nn';

export interface GraphShape {
  batch: number;
  seqLen: number;
  /** Tables larger than this (fp32 bytes) enter as row blocks (weight-blocks.ts); none when unset. */
  maxWeightBytes?: number;
  /**
   * Weights that enter as fp16 (frozen tensors held in 16 bits, docs/design.md §4), by name, with the
   * power of two they were scaled by (model/spec.ts Tensor16): widened and scaled back where used.
   */
  half?: ReadonlyMap<string, number>;
}

/**
 * Declares checkpoint tensors as graph inputs on first use, with their expected shapes. A tensor in
 * `half` enters as float16 and is widened by a Cast to float32 (times 2^−shift, a power of two, so
 * exact) before its use: every product runs in fp32 on exactly the loaded values. An embedding
 * gathers its fp16 rows first and widens only those. The ops that use a weight are the same either
 * way, so fp16 and fp32 give the same bits.
 */
export class WeightInputs {
  private readonly shapes: Map<string, number[]>;
  private readonly made = new Map<string, Value>();
  private readonly widened = new Map<string, Value>();
  private readonly maxWeightBytes?: number;
  private readonly half: ReadonlyMap<string, number>;
  constructor(
    private readonly g: GraphBuilder,
    spec: ModelSpec,
    opts: Pick<GraphShape, 'maxWeightBytes' | 'half'> = {},
  ) {
    this.shapes = expectedTensors(spec);
    this.maxWeightBytes = opts.maxWeightBytes;
    this.half = opts.half ?? new Map();
  }

  /** A tensor (fp32: widened here when it enters as fp16). */
  get(name: string): Value {
    const raw = this.raw(name);
    if (raw.dtype === 'float32') return raw;
    let v = this.widened.get(name);
    if (!v) this.widened.set(name, (v = this.widen(raw, name)));
    return v;
  }

  /** fp16 values of tensor `whole` (scaled by 2^shift) → fp32, exact; fp32 passes through. */
  private widen(v: Value, whole: string): Value {
    if (v.dtype === 'float32') return v;
    const shift = this.half.get(whole)!;
    const wide = this.g.cast(v, 'float32');
    return shift === 0 ? wide : this.g.mul(wide, this.g.scalar(2 ** -shift));
  }

  /** The graph input of a tensor or row block, in the dtype the runtime holds it in. */
  private raw(name: string, whole = name, shape = this.shapes.get(name)): Value {
    let v = this.made.get(name);
    if (!v) {
      if (!shape) throw new Error(`graph: '${name}' is not a tensor of this model`);
      v = this.g.input(name, this.half.has(whole) ? 'float16' : 'float32', shape);
      this.made.set(name, v);
    }
    return v;
  }

  /** A [rows, cols] table as row blocks (one when it fits maxWeightBytes), each a graph input. */
  private blocks(name: string): { value: Value; start: number; end: number }[] {
    const shape = this.shapes.get(name);
    if (!shape) throw new Error(`graph: '${name}' is not a tensor of this model`);
    const ranges = rowBlocks(shape[0], shape[1], this.maxWeightBytes);
    if (ranges.length === 1) return [{ value: this.raw(name), start: 0, end: shape[0] }];
    return ranges.map(([start, end]) => ({ value: this.raw(blockName(name, start, end), name, [end - start, shape[1]]), start, end }));
  }

  /** Rows of table `name` at int ids [B, T] → [B, T, cols]: each block gathers the ids it holds, zero elsewhere. */
  gatherRows(name: string, ids: Value): Value {
    const g = this.g;
    const parts = this.blocks(name);
    if (parts.length === 1) return this.widen(g.gather(parts[0].value, ids), name);
    let sum: Value | null = null;
    for (const { value, start, end } of parts) {
      const local = g.sub(ids, g.scalar(start, 'int32'));
      const inside = g.and(g.not(g.less(local, g.scalar(0, 'int32'))), g.less(local, g.scalar(end - start, 'int32')));
      const rows = this.widen(g.gather(value, g.where(inside, local, g.scalar(0, 'int32'))), name);
      const kept = g.where(g.reshape(inside, [...ids.shape, 1]), rows, g.scalar(0));
      sum = sum ? g.add(sum, kept) : kept;
    }
    return sum!;
  }

  /** x [N, cols] · table(name)ᵀ → [N, rows] (the LM head): one product per block, side by side. */
  timesTransposed(x: Value, name: string): Value {
    const parts = this.blocks(name).map((b) => this.g.gemm(x, this.widen(b.value, name), null, { transB: true }));
    return parts.length === 1 ? parts[0] : this.g.concat(parts, 1);
  }
  names(): string[] {
    return [...this.made.keys()];
  }
}

export interface DecoderBody {
  /** Residual stream after the last block, [B, T, H]. */
  hidden: Value;
  /** Residual stream entering each block l ≥ the first one run, [B, T, H]. */
  layerInputs: Map<number, Value>;
  /** Per editable module: its input [B, T, d_in] and output [B, T, d_out]. */
  modules: Map<string, { input: Value; output: Value }>;
  /** Residual stream leaving each block l run (after any `shift`), [B, T, H]. */
  blockOutputs: Map<number, Value>;
}

/** Added to the residual stream leaving block `layer` (MEMIT's δ at the subject token, editors/locate/). */
export interface BlockShift {
  layer: number;
  /** [B, T, H] or broadcastable to it. */
  value: Value;
}

/**
 * cos/sin [T, rotaryDim] of positions 0..T−1 for layer `layer` (HF: concat(freqs, freqs); GPT-J:
 * each angle twice side by side), times LongRoPE's attention factor; right padding keeps these positions.
 */
function ropeTables(g: GraphBuilder, spec: ModelSpec, layer: number, T: number): [Value, Value] {
  const { invFreq, interleaved, scale } = layerRope(spec, layer, T);
  const d = 2 * invFreq.length;
  const cos = new Float64Array(T * d);
  const sin = new Float64Array(T * d);
  for (let t = 0; t < T; t++)
    for (let i = 0; i < d; i++) {
      const a = t * invFreq[interleaved ? Math.floor(i / 2) : i % (d / 2)];
      cos[t * d + i] = Math.cos(a) * scale;
      sin[t * d + i] = Math.sin(a) * scale;
    }
  return [g.constant([T, d], cos), g.constant([T, d], sin)];
}

/** Where a decoder pass starts: the token ids, or the residual stream entering block `layer`. */
export type DecoderStart = { ids: Value } | { layer: number; residual: Value };

/**
 * The decoder stack, no final norm, from int ids [B, T] (embeddings, every block) or from the
 * residual stream [B, T, H] entering a block (the blocks from there on: what a pass after an edit
 * of blocks ≥ that one needs, the blocks below being unchanged). mask [B, T]. Weights come from
 * `W` (declared as graph inputs as they are first used). Each family's block follows its modeling
 * file as the reference forward does (reference/forward.ts).
 */
export function decoderForward(
  g: GraphBuilder,
  spec: ModelSpec,
  W: WeightInputs,
  from: DecoderStart,
  mask: Value,
  shift?: BlockShift,
): DecoderBody {
  const T = mask.shape[1];
  const H = spec.hidden;
  const gpt2 = spec.arch === 'gpt2';
  const gptj = spec.arch === 'gptj';
  const norm = (x: Value, prefix: string) => normAt(g, spec, W, x, prefix);

  let h: Value;
  let first = 0;
  if ('ids' in from) {
    h = W.gatherRows(embeddingWeightName(spec), from.ids);
    if (gpt2) h = g.add(h, g.slice(W.get('transformer.wpe.weight'), [0], [T], [0]));
    if (spec.embedScale !== undefined) h = g.mul(h, g.scalar(spec.embedScale));
  } else {
    if (!(Number.isInteger(from.layer) && from.layer >= 0 && from.layer < spec.layers))
      throw new Error(`decoder: no block ${from.layer} in a ${spec.layers}-layer model`);
    [h, first] = [from.residual, from.layer];
  }
  // One mask per window width, one pair of rope tables per distinct rope (Gemma 3: local and global).
  const masks = new Map<number | null, Value>();
  const allowedAt = (l: number) => {
    const w = spec.layerWindows?.[l] ?? null;
    if (!masks.has(w)) masks.set(w, causalPaddingMask(g, mask, w));
    return masks.get(w)!;
  };
  const tables = new Map<string, [Value, Value]>();
  const tablesAt = (l: number) => {
    const key = String(spec.rope?.localTheta !== undefined && spec.layerWindows?.[l] != null);
    if (!tables.has(key)) tables.set(key, ropeTables(g, spec, l, T));
    return tables.get(key)!;
  };
  const modules = new Map<string, { input: Value; output: Value }>();
  const layerInputs = new Map<number, Value>();
  const blockOutputs = new Map<number, Value>();
  const q_ = spec.heads * spec.headDim;
  const kv_ = spec.kvHeads * spec.headDim;

  for (let l = first; l < spec.layers; l++) {
    layerInputs.set(l, h);
    const p = blockPrefix(spec, l);
    const a = norm(h, gpt2 || gptj ? `${p}.ln_1` : `${p}.input_layernorm`);
    let q: Value, k: Value, v: Value;
    let ctx: Value;
    const attend = (q: Value, k: Value, v: Value) =>
      mergeHeads(g, attention(g, q, k, v, allowedAt(l), { scale: spec.attnScale, softcap: spec.attnSoftcap }));
    if (gpt2) {
      const qkv = linear(g, a, W.get(`${p}.attn.c_attn.weight`), W.get(`${p}.attn.c_attn.bias`), 'conv1d');
      [q, k, v] = [0, 1, 2].map((i) => splitHeads(g, g.slice(qkv, [i * H], [(i + 1) * H], [2]), spec.heads));
      ctx = linear(g, attend(q, k, v), W.get(`${p}.attn.c_proj.weight`), W.get(`${p}.attn.c_proj.bias`), 'conv1d');
    } else {
      if (gptj) {
        [q, k, v] = ['q_proj', 'k_proj', 'v_proj'].map((n) =>
          splitHeads(g, linear(g, a, W.get(`${p}.attn.${n}.weight`), null, 'linear'), spec.heads),
        );
      } else if (spec.arch === 'phi3') {
        // qkv_proj rows: query, then key, then value (Phi3Attention's slices).
        const qkv = linear(g, a, W.get(`${p}.self_attn.qkv_proj.weight`), null, 'linear');
        q = splitHeads(g, g.slice(qkv, [0], [q_], [2]), spec.heads);
        k = splitHeads(g, g.slice(qkv, [q_], [q_ + kv_], [2]), spec.kvHeads);
        v = splitHeads(g, g.slice(qkv, [q_ + kv_], [q_ + 2 * kv_], [2]), spec.kvHeads);
      } else {
        const proj = (n: string, heads: number) =>
          splitHeads(
            g,
            linear(g, a, W.get(`${p}.self_attn.${n}.weight`), spec.qkvBias ? W.get(`${p}.self_attn.${n}.bias`) : null, 'linear'),
            heads,
          );
        [q, k, v] = [proj('q_proj', spec.heads), proj('k_proj', spec.kvHeads), proj('v_proj', spec.kvHeads)];
      }
      if (spec.qkNorm) [q, k] = [norm(q, `${p}.self_attn.q_norm`), norm(k, `${p}.self_attn.k_norm`)];
      if (spec.rope) {
        const [cos, sin] = tablesAt(l);
        const interleaved = spec.rope.interleaved === true;
        [q, k] = [rope(g, q, cos, sin, interleaved), rope(g, k, cos, sin, interleaved)];
      }
      ctx = linear(g, attend(q, k, v), W.get(gptj ? `${p}.attn.out_proj.weight` : `${p}.self_attn.o_proj.weight`), null, 'linear');
      if (spec.sandwichNorms) ctx = norm(ctx, `${p}.post_attention_layernorm`);
    }
    // GPT-J's MLP reads ln_1's output too, and joins the residual with the attention.
    if (!spec.parallelBlock) h = g.add(h, ctx);

    const m = spec.parallelBlock
      ? a
      : norm(h, gpt2 ? `${p}.ln_2` : spec.sandwichNorms ? `${p}.pre_feedforward_layernorm` : `${p}.post_attention_layernorm`);
    let act: Value, out: Value;
    if (gpt2) {
      act = geluTanh(g, linear(g, m, W.get(`${p}.mlp.c_fc.weight`), W.get(`${p}.mlp.c_fc.bias`), 'conv1d'));
      out = linear(g, act, W.get(`${p}.mlp.c_proj.weight`), W.get(`${p}.mlp.c_proj.bias`), 'conv1d');
    } else if (gptj) {
      act = geluTanh(g, linear(g, m, W.get(`${p}.mlp.fc_in.weight`), W.get(`${p}.mlp.fc_in.bias`), 'linear'));
      out = linear(g, act, W.get(`${p}.mlp.fc_out.weight`), W.get(`${p}.mlp.fc_out.bias`), 'linear');
    } else {
      const bias = (n: string) => (spec.mlpBias ? W.get(`${p}.mlp.${n}.bias`) : null);
      let gate: Value, up: Value;
      if (spec.arch === 'phi3') {
        // gate_up_proj(x).chunk(2): the gate is the first half.
        const I = spec.intermediate;
        const both = linear(g, m, W.get(`${p}.mlp.gate_up_proj.weight`), null, 'linear');
        [gate, up] = [g.slice(both, [0], [I], [2]), g.slice(both, [I], [2 * I], [2])];
      } else {
        gate = linear(g, m, W.get(`${p}.mlp.gate_proj.weight`), bias('gate_proj'), 'linear');
        up = linear(g, m, W.get(`${p}.mlp.up_proj.weight`), bias('up_proj'), 'linear');
      }
      act = g.mul(spec.act === 'silu' ? silu(g, gate) : geluTanh(g, gate), up);
      out = linear(g, act, W.get(`${p}.mlp.down_proj.weight`), bias('down_proj'), 'linear');
    }
    modules.set(editableModuleName(spec, l), { input: act, output: out });
    const joined = spec.sandwichNorms ? norm(out, `${p}.post_feedforward_layernorm`) : out;
    h = spec.parallelBlock ? g.add(g.add(ctx, joined), h) : g.add(h, joined);
    if (shift?.layer === l) h = g.add(h, shift.value);
    blockOutputs.set(l, h);
  }
  return { hidden: h, modules, layerInputs, blockOutputs };
}

/** The norm with checkpoint prefix `prefix` over x's last axis: LayerNorm, RMSNorm, or Gemma's (1 + w) RMSNorm. */
function normAt(g: GraphBuilder, spec: ModelSpec, W: WeightInputs, x: Value, prefix: string): Value {
  if (spec.norm === 'layernorm') return layerNorm(g, x, W.get(`${prefix}.weight`), W.get(`${prefix}.bias`), spec.normEps);
  const w = W.get(`${prefix}.weight`);
  return rmsNorm(g, x, spec.normPlusOne ? g.add(w, g.scalar(1)) : w, spec.normEps);
}

export function finalNorm(g: GraphBuilder, spec: ModelSpec, W: WeightInputs, x: Value): Value {
  return normAt(g, spec, W, x, finalNormName(spec));
}

/**
 * Logits of rows x [N, H]: final norm, the head (row blocks unless `whole`), GPT-J's lm_head bias,
 * Gemma's final soft-capping.
 */
export function lmHead(g: GraphBuilder, spec: ModelSpec, W: WeightInputs, x: Value, o: { whole?: boolean } = {}): Value {
  const n = finalNorm(g, spec, W, x);
  let logits = o.whole
    ? g.gemm(n, W.get(lmHeadWeightName(spec)), spec.lmHeadBias ? W.get('lm_head.bias') : null, { transB: true })
    : W.timesTransposed(n, lmHeadWeightName(spec));
  if (spec.lmHeadBias && !o.whole) logits = g.add(logits, W.get('lm_head.bias'));
  return spec.finalSoftcap != null ? softcap(g, logits, spec.finalSoftcap) : logits;
}

export interface ModelGraph {
  g: GraphBuilder;
  /** Checkpoint tensors the graph takes as inputs, in input order after the int inputs. */
  weightNames: string[];
}

/** inputs input_ids, attention_mask int32 [B, T] + weights → logits [B, T, V]. */
export function buildForwardGraph(spec: ModelSpec, shape: GraphShape): ModelGraph {
  const g = new GraphBuilder();
  const ids = g.input('input_ids', 'int32', [shape.batch, shape.seqLen]);
  const mask = g.input('attention_mask', 'int32', [shape.batch, shape.seqLen]);
  const W = new WeightInputs(g, spec, shape);
  const { hidden } = decoderForward(g, spec, W, { ids }, mask);
  const logits = lmHead(g, spec, W, g.reshape(hidden, [-1, spec.hidden]));
  g.output('logits', g.reshape(logits, [shape.batch, shape.seqLen, spec.vocabSize]));
  return { g, weightNames: W.names() };
}

export interface CaptureShape extends GraphShape {
  /** N: label positions in the sub-batch (a bucket size when padded with −1). */
  labels: number;
  /** Also output `residual` [B, T, H], the residual stream entering this block (a later score pass starts there). */
  residualAt?: number;
}

export interface LabelInputs {
  ids: Value;
  mask: Value;
  labels: Value;
  positions: Value;
}

export function labelInputs(g: GraphBuilder, { batch: B, seqLen: T, labels: N }: CaptureShape): LabelInputs {
  return {
    ids: g.input('input_ids', 'int32', [B, T]),
    mask: g.input('attention_mask', 'int32', [B, T]),
    labels: g.input('labels', 'int32', [B, T]),
    positions: g.input('label_positions', 'int32', [N]),
  };
}

/**
 * The forward pass and the loss at the label positions: `rows(x)` gathers [B, T, d] → [N, d] at the
 * positions (row 0 for padding), and the head runs on those N rows only.
 */
export function labelLoss(g: GraphBuilder, spec: ModelSpec, W: WeightInputs, inp: LabelInputs) {
  const [B, T] = inp.ids.shape;
  const body = decoderForward(g, spec, W, { ids: inp.ids }, inp.mask);
  const real = g.greater(inp.positions, g.scalar(-1, 'int32'));
  const safe = g.where(real, inp.positions, g.scalar(0, 'int32'));
  const rows = (x: Value) => g.gather(g.reshape(x, [B * T, x.shape[2]]), safe);
  const labelAt = g.where(real, g.gather(g.reshape(inp.labels, [B * T]), safe), g.scalar(IGNORE_INDEX, 'int32'));
  const logits = lmHead(g, spec, W, rows(body.hidden));
  return { body, rows, real, logits, loss: crossEntropy(g, logits, labelAt) };
}

/**
 * inputs input_ids, attention_mask, labels int32 [B, T], label_positions int32 [N] (flat b·T + t,
 * row-major; −1 = padding) + weights → `loss` [1], `<module>.keys` [N, d_in], `<module>.grads` [N, d_out]
 * (and `residual` [B, T, H] when shape.residualAt is set).
 */
export function buildCaptureGraph(spec: ModelSpec, shape: CaptureShape, edited: readonly EditableModule[]): ModelGraph {
  if (edited.length === 0) throw new Error('capture graph: no edited modules');
  const g = new GraphBuilder();
  const W = new WeightInputs(g, spec, shape);
  const { body, rows, loss } = labelLoss(g, spec, W, labelInputs(g, shape));
  g.output('loss', g.reshape(loss, [1]));

  const picked = edited.map((m) => {
    const t = body.modules.get(m.name);
    if (!t) throw new Error(`capture graph: '${m.name}' is not an editable module of this ${spec.arch} model`);
    return { m, ...t };
  });
  const grads = g.grad(
    loss,
    picked.map((p) => p.output),
  );
  picked.forEach((p, i) => {
    g.output(`${p.m.name}.keys`, rows(p.input));
    g.output(`${p.m.name}.grads`, rows(grads[i]));
  });
  if (shape.residualAt !== undefined) {
    const r = body.layerInputs.get(shape.residualAt);
    if (!r) throw new Error(`capture graph: no block ${shape.residualAt} in a ${spec.layers}-layer model`);
    g.output('residual', r);
  }
  return { g, weightNames: W.names() };
}

/** The capture graph's inputs → `loss` [1] only (every weight it read is in weightNames). */
export function buildLossGraph(spec: ModelSpec, shape: CaptureShape): ModelGraph & { loss: Value } {
  const g = new GraphBuilder();
  const W = new WeightInputs(g, spec, shape);
  const loss = g.output('loss', g.reshape(labelLoss(g, spec, W, labelInputs(g, shape)).loss, [1]));
  return { g, weightNames: W.names(), loss };
}

export interface ScoreShape extends GraphShape {
  /** N: positions whose top-1 prediction is wanted (flat b·T + t). */
  positions: number;
  /** Positions (flat) whose top-k is wanted, e.g. each row's last token. */
  probes: number;
  k: number;
  /** Start from float32 input `residual` [B, T, H] entering this block instead of from `input_ids`. */
  fromLayer?: number;
}

/**
 * inputs input_ids, attention_mask [B, T], positions int32 [N], probe_positions int32 [P] + weights →
 * `top1` int32 [N] (argmax token at each position), `topk_ids` int32 [P, k] and `topk_logprobs` [P, k].
 * The head runs only on the N + P rows. With shape.fromLayer, input `residual` [B, T, H] replaces
 * input_ids and only the blocks from there on run.
 */
export function buildScoreGraph(spec: ModelSpec, shape: ScoreShape): ModelGraph {
  const { batch: B, seqLen: T } = shape;
  const g = new GraphBuilder();
  const start: DecoderStart =
    shape.fromLayer === undefined
      ? { ids: g.input('input_ids', 'int32', [B, T]) }
      : { layer: shape.fromLayer, residual: g.input('residual', 'float32', [B, T, spec.hidden]) };
  const mask = g.input('attention_mask', 'int32', [B, T]);
  const positions = g.input('positions', 'int32', [shape.positions]);
  const probes = g.input('probe_positions', 'int32', [shape.probes]);
  const W = new WeightInputs(g, spec, shape);
  const flat = g.reshape(decoderForward(g, spec, W, start, mask).hidden, [B * T, spec.hidden]);
  const head = (rows: Value) => lmHead(g, spec, W, g.gather(flat, rows));
  g.output('top1', g.argMax(head(positions), -1));
  const [vals, idx] = g.topK(g.logSoftmax(head(probes), -1), shape.k);
  g.output('topk_ids', idx);
  g.output('topk_logprobs', vals);
  return { g, weightNames: W.names() };
}
