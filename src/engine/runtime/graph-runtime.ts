/**
 * ModelRuntime over our generated ONNX graphs (graph/models/transformer.ts), whatever executes them:
 * the backend differences live in a GraphExecutor (cpu-runtime.ts, webgpu-runtime.ts). Weights are
 * fp32 graph inputs under checkpoint names, so an edit is a write to one array, never a rebuild.
 *
 * One copy of the weights (docs/design.md §4): the loaded arrays are shared, never written; a tensor
 * is copied on its first change, and its loaded values kept for resetWeights(). An executor that
 * holds the weights itself (the GPU's buffers) takes them all at once and the runtime keeps on the
 * CPU only the changed tensors and their loaded values; the rest are read back for an export.
 *
 * Frozen weights in 16 bits (docs/design.md §4): a tensor loaded as fp16 bits (LoadOptions.frozen16)
 * enters the graphs as float16 and is widened where used, on an executor that takes float16; on one
 * that does not (WebGPU without 'shader-f16') it is widened once, as it is uploaded, and the graphs
 * take it as fp32. Such a tensor is never changed: the editable modules' weights are loaded fp32.
 *
 * Shapes: both graphs run at the length rounded up to a multiple of 8 and at a bucketed position
 * count (see buckets.ts). Capture pads its label positions with −1, which the graph treats as
 * ignored rows (no loss, no gradient); their keys/grads rows are dropped here.
 */
import { buildCaptureGraph, buildForwardGraph, buildScoreGraph, type ModelGraph } from '../graph/models/transformer';
import type { Feed, Fetch } from '../graph/ort-session';
import type { LoadedModel } from '../model/load';
import type { EditableModule, HeldWeights, ModelSpec, Tensor32, Weights } from '../model/spec';
import { InputError, type ModuleCapture, type Residual, type SubBatch, type SubBatchCapture } from '../types';
import { checkSubBatch, countBucket, lengthBucket, padInts, padLength, PADDED_LABEL_POSITION } from './buckets';
import type { CompiledGraph, GraphExecutor } from './executor';
import { buildLookupGraph, buildTargetGraph } from '../graph/models/locate';
import type { CaptureOptions, Lookup, LossGradient, ModelRuntime, NextTokens, RuntimeBackend, TargetQuery, TargetResult } from './runtime';
import { SessionCache } from './session-cache';
import { addDelta, asDeltaLayout } from './weight-layout';
import { rowsBatch } from '../run/batching';
import { buildMetaGraph, type MetaGraphKind } from '../graph/models/meta';
import { widen16 } from '../safetensors/dtypes';

export interface GraphStats {
  /** Sessions created since the runtime opened (a reused shape creates none). */
  sessionsCreated: number;
  sessionsCached: number;
  /** ONNX node count of every graph compiled, by shape key. */
  nodeCounts: Map<string, number>;
}

export interface GraphRuntimeOptions {
  /** Sessions kept open (least recently used released first). Default 16. */
  cacheSize?: number;
  /** Tables larger than this many fp32 bytes enter the graphs as row blocks (a GPU's largest buffer binding). */
  maxWeightBytes?: number;
}

/** How the frozen weights are held (the lab's model panel shows it). */
export interface WeightPrecision {
  /** Tensors entering the graphs as fp16, and their bytes. */
  fp16Tensors: number;
  fp16Bytes: number;
  /** Bytes of every tensor as the runtime holds them (fp16 2, fp32 4 per value). */
  heldBytes: number;
  /** Why tensors loaded as fp16 run as fp32, when they do. */
  note?: string;
}

export class GraphRuntime implements ModelRuntime {
  readonly spec: ModelSpec;
  readonly modules: EditableModule[];
  /** Every tensor's shape, in the checkpoint's order (the order of weights() and of an export). */
  private readonly shapes: Map<string, number[]>;
  /** The tensors whose current values are on the CPU: all of them, or only the changed ones where the executor holds weights. */
  private readonly state: HeldWeights;
  /** Tensors the graphs take as float16, with their scale shifts (model/spec.ts Tensor16). */
  private readonly half: ReadonlyMap<string, number>;
  readonly precision: WeightPrecision;
  /** The loaded values of the tensors changed since load. */
  private readonly originals = new Map<string, Float32Array>();
  /** Whether the executor holds the weights (handOverWeights): then the CPU keeps only the changed tensors. */
  private held = false;
  private readonly byName: Map<string, EditableModule>;
  private readonly cache: SessionCache;
  private readonly nodeCounts = new Map<string, number>();
  private readonly maxWeightBytes?: number;

  constructor(
    loaded: Pick<LoadedModel<HeldWeights>, 'spec' | 'weights' | 'modules'>,
    private readonly executor: GraphExecutor,
    opts: GraphRuntimeOptions = {},
  ) {
    this.spec = loaded.spec;
    this.modules = loaded.modules;
    this.byName = new Map(loaded.modules.map((m) => [m.name, m]));
    this.shapes = new Map([...loaded.weights].map(([k, t]) => [k, t.shape.slice()]));
    // The caller's arrays, shared: a change copies the tensor first, so edits never leak into the LoadedModel.
    this.state = new Map([...loaded.weights].map(([k, t]) => [k, { ...t, shape: t.shape.slice() }]));
    const sixteen = new Map<string, number>();
    for (const [k, t] of this.state) if ('shift' in t) sixteen.set(k, t.shift);
    for (const m of loaded.modules)
      if (sixteen.has(m.weight)) throw new Error(`weight '${m.weight}' of an editable module must be loaded as fp32`);
    if (sixteen.size && !executor.float16 && !executor.holdWeights)
      throw new Error('GraphRuntime: fp16 weights on an executor that neither takes nor holds them');
    this.half = executor.float16 ? sixteen : new Map();
    let fp16Bytes = 0;
    let heldBytes = 0;
    for (const [k, t] of this.state) {
      const bytes = t.data.length * (this.half.has(k) ? 2 : 4);
      heldBytes += bytes;
      if (this.half.has(k)) fp16Bytes += bytes;
    }
    this.precision = {
      fp16Tensors: this.half.size,
      fp16Bytes,
      heldBytes,
      ...(sixteen.size && !executor.float16 ? { note: "frozen weights fp32: the adapter lacks 'shader-f16'" } : {}),
    };
    this.cache = new SessionCache(opts.cacheSize ?? 16);
    this.maxWeightBytes = opts.maxWeightBytes;
  }

  /** Gives every tensor to an executor that holds weights itself and drops the CPU arrays (once, before any change). */
  async handOverWeights(): Promise<void> {
    if (!this.executor.holdWeights || this.held || this.originals.size)
      throw new Error('handOverWeights: once, before any change, to an executor that holds weights');
    await this.executor.holdWeights(this.state, this.maxWeightBytes);
    this.state.clear();
    this.held = true;
  }

  get backend(): RuntimeBackend {
    return this.executor.backend;
  }

  async capture(given: SubBatch, modules: string[], opts: CaptureOptions = {}): Promise<SubBatchCapture> {
    const edited = this.resolve(modules);
    checkSubBatch(given, this.spec.vocabSize);
    if (given.labelPositions.length === 0)
      throw new InputError(`sub-batch of records [${given.records.join(', ')}]`, 'has no label positions to capture');
    // Every token as a capture row: the graph scores only rows with a label, so the loss is unchanged.
    const sb = opts.allTokens ? { ...given, labelPositions: tokenPositions(given) } : given;
    const p = padLength(sb, this.length(sb));
    const N = p.labelPositions.length;
    const padded = countBucket(N);
    // Graph outputs follow the model's module order, so the same set in any order shares a session.
    const ordered = this.modules.filter((m) => edited.includes(m));
    const residualAt = opts.residual ? Math.min(...edited.map((m) => m.layer)) : undefined;
    const key = `capture B${p.batch} T${p.seqLen} N${padded}${residualAt === undefined ? '' : ` R${residualAt}`} ${ordered.map((m) => m.name).join(',')}`;
    const shape = { batch: p.batch, seqLen: p.seqLen, labels: padded, residualAt, maxWeightBytes: this.maxWeightBytes, half: this.half };
    const out = await this.run(key, () => buildCaptureGraph(this.spec, shape, ordered), {
      input_ids: p.inputIds,
      attention_mask: p.attentionMask,
      labels: p.labels,
      label_positions: padInts(p.labelPositions, padded, PADDED_LABEL_POSITION),
    });
    const firstRows = (name: string, d: number) => {
      const a = out[name] as Float32Array;
      return a.length === N * d ? a : a.slice(0, N * d);
    };
    const captures: ModuleCapture[] = edited.map((m) => ({
      module: m.name,
      rows: N,
      dIn: m.dIn,
      dOut: m.dOut,
      keys: firstRows(`${m.name}.keys`, m.dIn),
      grads: firstRows(`${m.name}.grads`, m.dOut),
    }));
    const loss = (out.loss as Float32Array)[0];
    if (residualAt === undefined) return { loss, modules: captures };
    return { loss, modules: captures, residual: { layer: residualAt, seqLen: p.seqLen, data: out.residual as Float32Array } };
  }

  async predict(sb: SubBatch): Promise<Int32Array> {
    checkSubBatch(sb, this.spec.vocabSize);
    const N = sb.labelPositions.length;
    if (N === 0) return new Int32Array(0);
    const p = padLength(sb, this.length(sb));
    const out = await this.score(p.batch, p.seqLen, p.attentionMask, p.labelPositions, 1, undefined, p.inputIds);
    return (out.top1 as Int32Array).slice(0, N);
  }

  async predictFrom(sb: SubBatch, residual: Residual): Promise<Int32Array> {
    checkSubBatch(sb, this.spec.vocabSize);
    const N = sb.labelPositions.length;
    if (N === 0) return new Int32Array(0);
    const p = padLength(sb, this.length(sb));
    const where = `sub-batch of records [${sb.records.join(', ')}]`;
    if (residual.seqLen !== p.seqLen || residual.data.length !== p.batch * p.seqLen * this.spec.hidden)
      throw new InputError(
        where,
        `the residual has ${residual.data.length} values at length ${residual.seqLen}, not [${p.batch}, ${p.seqLen}, ${this.spec.hidden}]`,
      );
    const out = await this.score(p.batch, p.seqLen, p.attentionMask, p.labelPositions, 1, undefined, {
      layer: residual.layer,
      data: residual.data,
    });
    return (out.top1 as Int32Array).slice(0, N);
  }

  async lookup(sb: SubBatch, positions: Int32Array, modules: string[], layers: number[]): Promise<Lookup> {
    const edited = modules.length ? this.resolve(modules) : [];
    checkSubBatch(sb, this.spec.vocabSize);
    const where = `sub-batch of records [${sb.records.join(', ')}]`;
    for (const l of layers) if (!(Number.isInteger(l) && l >= 0 && l < this.spec.layers)) throw new InputError(where, `no block ${l}`);
    const p = padLength(sb, this.length(sb));
    const M = positions.length;
    const padded = countBucket(M);
    const flat = padInts(remap(positions, sb.seqLen, p.seqLen, where), padded, 0);
    const key = `lookup B${p.batch} T${p.seqLen} M${padded} ${edited.map((m) => m.name).join(',')} L${layers.join(',')}`;
    const out = await this.run(
      key,
      () => buildLookupGraph(this.spec, { batch: p.batch, seqLen: p.seqLen, positions: padded, half: this.half }, edited, layers),
      { input_ids: p.inputIds, attention_mask: p.attentionMask, positions: flat },
    );
    const first = (a: Float32Array, d: number) => (a.length === M * d ? a : a.slice(0, M * d));
    return {
      keys: new Map(edited.map((m) => [m.name, first(out[`${m.name}.keys`] as Float32Array, m.dIn)])),
      blocks: new Map(layers.map((l) => [l, first(out[`block${l}`] as Float32Array, this.spec.hidden)])),
    };
  }

  async target(q: TargetQuery): Promise<TargetResult> {
    const { sb } = q;
    checkSubBatch(sb, this.spec.vocabSize);
    const where = `target prompts of records [${sb.records.join(', ')}]`;
    if (q.lookup.length !== sb.batch) throw new InputError(where, `${q.lookup.length} lookup positions for ${sb.batch} rows`);
    if (q.delta.length !== this.spec.hidden)
      throw new InputError(where, `δ has ${q.delta.length} values, the model's hidden size is ${this.spec.hidden}`);
    if (q.klInit.length !== q.kl * this.spec.vocabSize)
      throw new InputError(where, `the KL reference has ${q.klInit.length} values, not ${q.kl}×${this.spec.vocabSize}`);
    const p = padLength(sb, this.length(sb));
    const N = p.labelPositions.length;
    const padded = countBucket(N);
    const key = `target B${p.batch} T${p.seqLen} N${padded} L${q.layer} K${q.kl}`;
    const shape = { batch: p.batch, seqLen: p.seqLen, labels: padded, layer: q.layer, kl: q.kl, half: this.half };
    const out = await this.run(key, () => buildTargetGraph(this.spec, shape), {
      input_ids: p.inputIds,
      attention_mask: p.attentionMask,
      labels: p.labels,
      label_positions: padInts(p.labelPositions, padded, PADDED_LABEL_POSITION),
      lookup_positions: remap(q.lookup, sb.seqLen, p.seqLen, where),
      delta: q.delta,
      kl_init: q.klInit,
    });
    return {
      nll: (out.nll as Float32Array)[0],
      kl: (out.kl as Float32Array)[0],
      gradNll: out.grad_nll as Float32Array,
      gradKl: out.grad_kl as Float32Array,
      klLogprobs: out.kl_logprobs as Float32Array,
      z: out.z as Float32Array,
    };
  }

  async lossGradient(sb: SubBatch, modules: string[], ref?: Float32Array): Promise<LossGradient> {
    const edited = this.resolve(modules);
    const kind: MetaGraphKind = ref ? 'kl' : 'ce';
    const out = await this.meta(sb, kind, edited, ref);
    const grads = new Map(edited.map((m) => [m.name, asDeltaLayout(out.fetched[`${m.name}.weight_grad`] as Float32Array, m)]));
    return { loss: (out.fetched.loss as Float32Array)[0], logprobs: out.logprobs, grads };
  }

  async labelLogprobs(sb: SubBatch): Promise<Float32Array> {
    return (await this.meta(sb, 'logprobs', [], undefined)).logprobs;
  }

  /** A meta graph (graph/models/meta.ts) on a sub-batch; label positions padded to a bucket as capture does. */
  private async meta(sb: SubBatch, kind: MetaGraphKind, edited: EditableModule[], ref: Float32Array | undefined) {
    checkSubBatch(sb, this.spec.vocabSize);
    const where = `sub-batch of records [${sb.records.join(', ')}]`;
    if (sb.labelPositions.length === 0) throw new InputError(where, 'has no label positions');
    const p = padLength(sb, this.length(sb));
    const N = p.labelPositions.length;
    const padded = countBucket(N);
    const V = this.spec.vocabSize;
    const feeds: Record<string, Feed> = {
      input_ids: p.inputIds,
      attention_mask: p.attentionMask,
      labels: p.labels,
      label_positions: padInts(p.labelPositions, padded, PADDED_LABEL_POSITION),
    };
    if (ref) {
      if (ref.length !== N * V) throw new InputError(where, `the KL reference has ${ref.length} values, not ${N}×${V}`);
      const full = new Float32Array(padded * V);
      full.set(ref);
      feeds.ref_logprobs = full;
    }
    const ordered = this.modules.filter((m) => edited.includes(m));
    const key = `meta-${kind} B${p.batch} T${p.seqLen} N${padded} ${ordered.map((m) => m.name).join(',')}`;
    const shape = { batch: p.batch, seqLen: p.seqLen, labels: padded, maxWeightBytes: this.maxWeightBytes, half: this.half };
    const fetched = await this.run(key, () => buildMetaGraph(this.spec, shape, kind, ordered), feeds);
    const lp = fetched.logprobs as Float32Array;
    return { fetched, logprobs: lp.length === N * V ? lp : lp.slice(0, N * V) };
  }

  async nextTokens(ids: number[], k: number): Promise<NextTokens> {
    return (await this.nextTokensBatch([ids], k))[0];
  }

  async nextTokensBatch(rows: readonly (readonly number[])[], k: number): Promise<NextTokens[]> {
    const where = 'next-token probe';
    if (rows.length === 0) return [];
    if (rows.some((ids) => ids.length === 0)) throw new InputError(where, 'the prompt has no tokens');
    if (!(Number.isInteger(k) && k >= 1 && k <= this.spec.vocabSize))
      throw new InputError(where, `k must be an integer in [1, ${this.spec.vocabSize}], got ${k}`);
    const sb = rowsBatch(
      rows.map((ids) => ({ ids: [...ids] })),
      rows.map((_, b) => b),
    );
    checkSubBatch(sb, this.spec.vocabSize, where);
    const p = padLength(sb, this.length(sb));
    const last = Int32Array.from(rows, (ids, b) => b * p.seqLen + ids.length - 1);
    const out = await this.score(sb.batch, p.seqLen, p.attentionMask, last, k, last, p.inputIds);
    const ids = out.topk_ids as Int32Array;
    const logp = out.topk_logprobs as Float32Array;
    return rows.map((_, b) => ({
      ids: Array.from(ids.subarray(b * k, (b + 1) * k)),
      probs: Array.from(logp.subarray(b * k, (b + 1) * k), Math.exp),
    }));
  }

  /** Logits [B, T, V] of a sub-batch at its own length (tests; the forward-only timing baseline). */
  async logits(sb: SubBatch): Promise<Float32Array> {
    checkSubBatch(sb, this.spec.vocabSize);
    const key = `forward B${sb.batch} T${sb.seqLen}`;
    const out = await this.run(
      key,
      () => buildForwardGraph(this.spec, { batch: sb.batch, seqLen: sb.seqLen, maxWeightBytes: this.maxWeightBytes, half: this.half }),
      {
        input_ids: sb.inputIds,
        attention_mask: sb.attentionMask,
      },
    );
    return out.logits as Float32Array;
  }

  async applyDelta(module: string, delta: Float32Array): Promise<void> {
    const [m] = this.resolve([module]);
    const w = await this.changing(m.weight);
    addDelta(w, m, delta);
    this.executor.weightChanged(m.weight, w);
  }

  async setWeight(name: string, data: Float32Array): Promise<void> {
    const shape = this.shapes.get(name);
    if (!shape) throw new InputError(`weight '${name}'`, `is not a tensor of this ${this.spec.arch} model`);
    const n = shape.reduce((a, b) => a * b, 1);
    if (data.length !== n) throw new InputError(`weight '${name}'`, `has ${data.length} values, expected [${shape.join(', ')}] = ${n}`);
    const w = await this.changing(name);
    w.set(data);
    this.executor.weightChanged(name, w);
  }

  async weight(name: string): Promise<Tensor32> {
    const shape = this.shapes.get(name);
    if (!shape) throw new InputError(`weight '${name}'`, `is not a tensor of this ${this.spec.arch} model`);
    const t = this.state.get(name);
    if (!t) return { shape: shape.slice(), data: await this.executor.readWeight!(name, shape) };
    return 'shift' in t ? { shape: t.shape.slice(), data: widen16(t.data, t.shift) } : t;
  }

  /**
   * The state dict, current or as loaded. fp32 arrays on the CPU are given live (no copy: weights are
   * not duplicated on every export), so treat them as read-only; the rest are read back or widened.
   */
  async weights(which: 'current' | 'loaded' = 'current'): Promise<Weights> {
    const out: Weights = new Map();
    for (const [name, shape] of this.shapes) {
      const original = which === 'loaded' ? this.originals.get(name) : undefined;
      out.set(name, original ? { shape: shape.slice(), data: original } : await this.weight(name));
    }
    return out;
  }

  async resetWeights(): Promise<void> {
    for (const [name, data] of this.originals) {
      if (this.held) this.state.delete(name);
      else this.state.set(name, { shape: this.shapes.get(name)!.slice(), data });
      this.executor.weightChanged(name, data);
    }
    this.originals.clear();
  }

  /** Names of the tensors changed since load (or since the last reset). */
  changedWeights(): string[] {
    return [...this.originals.keys()];
  }

  stats(): GraphStats {
    return { sessionsCreated: this.cache.created, sessionsCached: this.cache.size, nodeCounts: new Map(this.nodeCounts) };
  }

  async dispose(): Promise<void> {
    await this.cache.clear();
    await this.executor.dispose();
  }

  /** A tensor's own CPU array, to be changed: copied from its loaded values on its first change. */
  private async changing(name: string): Promise<Float32Array> {
    const own = this.originals.has(name) && this.state.get(name);
    if (own) return own.data as Float32Array;
    const held = this.state.get(name);
    if (held && 'shift' in held)
      throw new InputError(`weight '${name}'`, 'is a frozen tensor held in fp16 and cannot be changed (load the model without frozen16)');
    const loaded = (await this.weight(name)).data;
    const copy = Float32Array.from(loaded);
    this.originals.set(name, loaded);
    this.state.set(name, { shape: this.shapes.get(name)!.slice(), data: copy });
    return copy;
  }

  private resolve(names: readonly string[]): EditableModule[] {
    if (names.length === 0) throw new InputError('modules', 'no module to edit was given');
    return names.map((n) => {
      const m = this.byName.get(n);
      if (!m) {
        const few = this.modules
          .slice(0, 4)
          .map((x) => x.name)
          .join(', ');
        throw new InputError(
          `module '${n}'`,
          `is not an editable module of this ${this.spec.arch} model (editable: ${few}${this.modules.length > 4 ? ', …' : ''})`,
        );
      }
      return m;
    });
  }

  /** The padded length for a sub-batch, or a clear error when its records are too long for the model. */
  private length(sb: SubBatch): number {
    let longest = 0;
    for (let b = 0; b < sb.batch; b++)
      for (let t = 0; t < sb.seqLen; t++) if (sb.attentionMask[b * sb.seqLen + t]) longest = Math.max(longest, t + 1);
    const where = `sub-batch of records [${sb.records.join(', ')}]`;
    if (longest > this.spec.maxPositions)
      throw new InputError(where, `a record has ${longest} tokens; the model takes at most ${this.spec.maxPositions}`);
    if (this.spec.slidingWindow != null && longest > this.spec.slidingWindow)
      throw new InputError(
        where,
        `a record has ${longest} tokens, more than the sliding window ${this.spec.slidingWindow} (not implemented)`,
      );
    return Math.max(sb.seqLen, lengthBucket(sb.seqLen, this.spec.maxPositions));
  }

  /** The score graph from the token ids, or from a residual entering a later block. */
  private score(
    B: number,
    T: number,
    mask: Int32Array,
    positions: Int32Array,
    k: number,
    probes = Int32Array.of(0),
    start: Int32Array | { layer: number; data: Float32Array },
  ) {
    const N = countBucket(positions.length);
    const fromLayer = start instanceof Int32Array ? undefined : start.layer;
    const key = `score B${B} T${T} N${N} P${probes.length} k${k}${fromLayer === undefined ? '' : ` L${fromLayer}`}`;
    return this.run(
      key,
      () =>
        buildScoreGraph(this.spec, {
          batch: B,
          seqLen: T,
          positions: N,
          probes: probes.length,
          k,
          fromLayer,
          maxWeightBytes: this.maxWeightBytes,
          half: this.half,
        }),
      {
        ...(start instanceof Int32Array ? { input_ids: start } : { residual: start.data }),
        attention_mask: mask,
        positions: padInts(positions, N, 0),
        probe_positions: probes,
      },
    );
  }

  private async run(key: string, build: () => ModelGraph, feeds: Record<string, Feed>): Promise<Record<string, Fetch>> {
    const session: CompiledGraph = await this.cache.get(key, async () => {
      const s = await this.executor.compile(build(), key.split(' ')[0]);
      this.nodeCounts.set(key, s.nodeCount);
      return s;
    });
    return session.run(feeds, this.state);
  }
}

/** Flat positions b·from + t re-laid to rows of length `to` (after padLength), checked. */
function remap(positions: Int32Array, from: number, to: number, where: string): Int32Array {
  return positions.map((p) => {
    if (!(p >= 0 && p % from < from)) throw new InputError(where, `position ${p} is outside the batch`);
    return Math.floor(p / from) * to + (p % from);
  });
}

/** Flat positions of every token (attention mask 1) of a sub-batch, row-major. */
function tokenPositions(sb: SubBatch): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < sb.attentionMask.length; i++) if (sb.attentionMask[i]) out.push(i);
  return Int32Array.from(out);
}
