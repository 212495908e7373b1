/**
 * Graphs of a decoder-only transformer (GPT-2, Llama, Qwen2, Mistral) from its ModelSpec. Weights
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
import { expectedTensors, lmHeadWeightName } from '../../model/modules';
import { ropeInvFreq } from '../../reference/rope';
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

/** cos/sin [T, d] of positions 0..T−1 (HF: concat(freqs, freqs)); right padding keeps these positions. */
function ropeTables(g: GraphBuilder, spec: ModelSpec, T: number): [Value, Value] {
  const inv = ropeInvFreq(spec);
  const d = spec.headDim;
  const cos = new Float64Array(T * d);
  const sin = new Float64Array(T * d);
  for (let t = 0; t < T; t++)
    for (let i = 0; i < d; i++) {
      const a = t * inv[i % (d / 2)];
      cos[t * d + i] = Math.cos(a);
      sin[t * d + i] = Math.sin(a);
    }
  return [g.constant([T, d], cos), g.constant([T, d], sin)];
}

/** Where a decoder pass starts: the token ids, or the residual stream entering block `layer`. */
export type DecoderStart = { ids: Value } | { layer: number; residual: Value };

/**
 * The decoder stack, no final norm, from int ids [B, T] (embeddings, every block) or from the
 * residual stream [B, T, H] entering a block (the blocks from there on: what a pass after an edit
 * of blocks ≥ that one needs, the blocks below being unchanged). mask [B, T]. Weights come from
 * `W` (declared as graph inputs as they are first used).
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
  const norm = (x: Value, prefix: string) =>
    spec.norm === 'layernorm'
      ? layerNorm(g, x, W.get(`${prefix}.weight`), W.get(`${prefix}.bias`), spec.normEps)
      : rmsNorm(g, x, W.get(`${prefix}.weight`), spec.normEps);

  let h: Value;
  let first = 0;
  if ('ids' in from) {
    h = W.gatherRows(gpt2 ? 'transformer.wte.weight' : 'model.embed_tokens.weight', from.ids);
    if (gpt2) h = g.add(h, g.slice(W.get('transformer.wpe.weight'), [0], [T], [0]));
  } else {
    if (!(Number.isInteger(from.layer) && from.layer >= 0 && from.layer < spec.layers))
      throw new Error(`decoder: no block ${from.layer} in a ${spec.layers}-layer model`);
    [h, first] = [from.residual, from.layer];
  }
  const allowed = causalPaddingMask(g, mask);
  const tables = spec.rope ? ropeTables(g, spec, T) : null;
  const modules = new Map<string, { input: Value; output: Value }>();
  const layerInputs = new Map<number, Value>();
  const blockOutputs = new Map<number, Value>();

  for (let l = first; l < spec.layers; l++) {
    layerInputs.set(l, h);
    const p = gpt2 ? `transformer.h.${l}` : `model.layers.${l}`;
    const a = norm(h, gpt2 ? `${p}.ln_1` : `${p}.input_layernorm`);
    let q: Value, k: Value, v: Value;
    let ctx: Value;
    if (gpt2) {
      const qkv = linear(g, a, W.get(`${p}.attn.c_attn.weight`), W.get(`${p}.attn.c_attn.bias`), 'conv1d');
      [q, k, v] = [0, 1, 2].map((i) => splitHeads(g, g.slice(qkv, [i * H], [(i + 1) * H], [2]), spec.heads));
      ctx = linear(
        g,
        mergeHeads(g, attention(g, q, k, v, allowed)),
        W.get(`${p}.attn.c_proj.weight`),
        W.get(`${p}.attn.c_proj.bias`),
        'conv1d',
      );
    } else {
      const proj = (n: string, heads: number) =>
        splitHeads(
          g,
          linear(g, a, W.get(`${p}.self_attn.${n}.weight`), spec.qkvBias ? W.get(`${p}.self_attn.${n}.bias`) : null, 'linear'),
          heads,
        );
      [q, k, v] = [proj('q_proj', spec.heads), proj('k_proj', spec.kvHeads), proj('v_proj', spec.kvHeads)];
      if (tables) [q, k] = [rope(g, q, ...tables), rope(g, k, ...tables)];
      ctx = linear(g, mergeHeads(g, attention(g, q, k, v, allowed)), W.get(`${p}.self_attn.o_proj.weight`), null, 'linear');
    }
    h = g.add(h, ctx);

    const m = norm(h, gpt2 ? `${p}.ln_2` : `${p}.post_attention_layernorm`);
    let act: Value, out: Value;
    if (gpt2) {
      act = geluTanh(g, linear(g, m, W.get(`${p}.mlp.c_fc.weight`), W.get(`${p}.mlp.c_fc.bias`), 'conv1d'));
      out = linear(g, act, W.get(`${p}.mlp.c_proj.weight`), W.get(`${p}.mlp.c_proj.bias`), 'conv1d');
      modules.set(`${p}.mlp.c_proj`, { input: act, output: out });
    } else {
      const bias = (n: string) => (spec.mlpBias ? W.get(`${p}.mlp.${n}.bias`) : null);
      const gate = linear(g, m, W.get(`${p}.mlp.gate_proj.weight`), bias('gate_proj'), 'linear');
      const up = linear(g, m, W.get(`${p}.mlp.up_proj.weight`), bias('up_proj'), 'linear');
      act = g.mul(silu(g, gate), up);
      out = linear(g, act, W.get(`${p}.mlp.down_proj.weight`), bias('down_proj'), 'linear');
      modules.set(`${p}.mlp.down_proj`, { input: act, output: out });
    }
    h = g.add(h, out);
    if (shift?.layer === l) h = g.add(h, shift.value);
    blockOutputs.set(l, h);
  }
  return { hidden: h, modules, layerInputs, blockOutputs };
}

export function finalNorm(g: GraphBuilder, spec: ModelSpec, W: WeightInputs, x: Value): Value {
  return spec.norm === 'layernorm'
    ? layerNorm(g, x, W.get('transformer.ln_f.weight'), W.get('transformer.ln_f.bias'), spec.normEps)
    : rmsNorm(g, x, W.get('model.norm.weight'), spec.normEps);
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
  const flat = g.reshape(finalNorm(g, spec, W, hidden), [-1, spec.hidden]);
  const logits = W.timesTransposed(flat, lmHeadWeightName(spec));
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
  const logits = W.timesTransposed(finalNorm(g, spec, W, rows(body.hidden)), lmHeadWeightName(spec));
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
  const head = (rows: Value) => W.timesTransposed(finalNorm(g, spec, W, g.gather(flat, rows)), lmHeadWeightName(spec));
  g.output('top1', g.argMax(head(positions), -1));
  const [vals, idx] = g.topK(g.logSoftmax(head(probes), -1), shape.k);
  g.output('topk_ids', idx);
  g.output('topk_logprobs', vals);
  return { g, weightNames: W.names() };
}
