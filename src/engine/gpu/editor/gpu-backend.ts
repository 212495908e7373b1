/**
 * The WGSL backend of the editor core (editors/core.ts): the same spec-driven statistics, whitening
 * and solve as the float64 backend, with the statistics resident in GPU buffers and a turn recorded
 * into command encoders that end in one readback (ΔW of every module, the few floats the diagnostics
 * need, the Cholesky status). Per shape it keeps mean and M2 of z = [k | g] (Chan merge), plus the
 * scatter S (`scatter`) or the NIW posterior μ, κ, ν, Ψ (`niw`). Captures were validated by the core
 * before any GPU work; a Cholesky failure (λ too small for fp32) is found at the readback, after the
 * statistics were merged, and names turn and module.
 */
import type { StageTimes } from '../../editors/editor';
import type { EditorOptions } from '../../editors/editor';
import { shapeKey, type BackendTurn, type EditorBackend, type PlanSummary, type ShapeRecord } from '../../editors/core';
import { F32_EPS, type NormalizerState } from '../../editors/normalizers/normalizer';
import { canWhiten } from '../../editors/normalizers/whitened-plan';
import { niwPrior, whitens, type EditorSpec } from '../../editors/spec';
import type { ModuleShape } from '../../editors/validate';
import { spectrumOf } from '../../linalg/inverse-sqrt';
import { preferredRidgeForm, type RidgeForm } from '../../linalg/ridge';
import type { ModuleCapture } from '../../types';
import { InputError } from '../../types';
import { readBuffer, readFloat32, uploadBuffer, writeBuffer } from '../buffers';
import type { EditorKernels } from './kernels';
import type { Whitener } from './whitener';
import { Workspace } from './workspace';

/** Timestamp slots per turn: one per stage boundary (captures × modules + 2 per module, and one). */
const MAX_MARKS = 4096;

/** Running statistics of one weight shape, resident on the GPU. */
interface ShapeStats {
  dIn: number;
  dOut: number;
  n: number;
  mean: GPUBuffer;
  m2: GPUBuffer;
  /** S (scatter) or Ψ (niw), [dOut, dOut]. */
  cov: GPUBuffer | null;
  /** NIW posterior mean μ [dOut] and its counts. */
  niw: { mu: GPUBuffer; kappa: number; nu: number } | null;
  /** Scratch for one batch: its moments, δ, and the NIW merge's (ḡ − μ) and throw-away M2. */
  batchMean: GPUBuffer;
  batchM2: GPUBuffer;
  delta: GPUBuffer;
  muDelta: GPUBuffer | null;
  muM2: GPUBuffer | null;
}

/** A shape's normalization this turn, as the step kernels need it and as the diagnostics report it. */
interface GpuPlan {
  kind: 'full' | 'diagonal';
  stats: ShapeStats;
  /** Full: Σ^{-1/2} [dOut, dOut], the buffer g is centred on (and at which offset), Σ's denominator. */
  invSqrt?: GPUBuffer;
  eigenvalues?: GPUBuffer;
  centre?: { buffer: GPUBuffer; offset: number };
  denom?: number;
}

/** Where each part of the turn's one readback buffer lies (floats). */
interface ReadbackLayout {
  floats: number;
  deltaAt: Map<string, number>;
  planAt: Map<string, { gradMean: number; sigma: number; eigen: number }>;
}

export class GpuBackend implements EditorBackend {
  private readonly stats = new Map<string, ShapeStats>();
  private encoder: GPUCommandEncoder | null = null;
  /** For labels only: the core owns the turn count. */
  private turnNo = 0;
  private plans = new Map<string, GpuPlan>();
  private deltas = new Map<string, { buffer: GPUBuffer; shape: ModuleShape; form: RidgeForm | 'gradient' }>();
  private uploads = new Map<ModuleCapture, { keys: GPUBuffer; grads: GPUBuffer }>();
  /** Uploads per module this turn (their workspace roles are numbered). */
  private uploadCount = new Map<string, number>();
  /** Every per-turn buffer, kept across turns so a repeated shape reuses its bind groups. */
  private readonly work: Workspace;

  constructor(
    private readonly spec: EditorSpec,
    private readonly options: EditorOptions,
    private readonly k: EditorKernels,
    private readonly whitener: Whitener,
  ) {
    this.work = new Workspace(k.ctx.device, k.bindings);
    this.timestamps = k.ctx.device.features.has('timestamp-query')
      ? k.ctx.device.createQuerySet({ type: 'timestamp', count: MAX_MARKS, label: `${spec.name} stage times` })
      : null;
  }

  private get device(): GPUDevice {
    return this.k.ctx.device;
  }

  private enc(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder({ label: `${this.spec.name} turn ${this.turnNo}` }));
  }

  /** The buffer of `role` (unique within a turn), `floats` long at least. */
  private scratch(floats: number, role: string): GPUBuffer {
    return this.work.get(role, floats * 4);
  }

  private upload(c: ModuleCapture): { keys: GPUBuffer; grads: GPUBuffer } {
    let u = this.uploads.get(c);
    if (!u) {
      const i = this.uploadCount.get(c.module) ?? 0;
      this.uploadCount.set(c.module, i + 1);
      u = {
        keys: this.scratch(c.keys.length, `upload K ${c.module} #${i}`),
        grads: this.scratch(c.grads.length, `upload G ${c.module} #${i}`),
      };
      writeBuffer(this.device, u.keys, c.keys);
      writeBuffer(this.device, u.grads, c.grads);
      this.uploads.set(c, u);
    }
    return u;
  }

  /** One (sub-batch, module) update: k and g moments merged Chan-style, then S or the NIW posterior. */
  update(c: ModuleCapture): void {
    if (c.rows === 0) return;
    const s = this.statsFor(c);
    const { keys, grads } = this.upload(c);
    const k = this.k;
    const e = this.enc();
    const variance = this.spec.statistics!.variance;
    const rows = c.rows;
    const batch = { mean: s.batchMean, m2: s.batchM2 };
    k.moments(e, keys, rows, s.dIn, s.batchMean, s.batchM2);
    k.chanMerge(e, batch, s, s.delta, { d: s.dIn, offset: 0, nOld: s.n, rows, variance });
    k.moments(e, grads, rows, s.dOut, s.batchMean, s.batchM2);
    k.chanMerge(e, batch, s, s.delta, { d: s.dOut, offset: s.dIn, nOld: s.n, rows, variance });
    if (s.niw) {
      // μ' = μ + B(ḡ − μ)/κ' is the Chan mean update with count κ; its M2 output is not used.
      const { kappa } = s.niw;
      k.chanMerge(e, batch, { mean: s.niw.mu, m2: s.muM2! }, s.muDelta!, { d: s.dOut, offset: 0, nOld: kappa, rows, variance: 'biased' });
      k.scatter(e, grads, s.batchMean, s.muDelta!, s.cov!, rows, s.dOut, (kappa * rows) / (kappa + rows));
      s.niw.kappa += rows;
      s.niw.nu += rows;
    } else if (s.cov) k.scatter(e, grads, s.batchMean, s.delta, s.cov, rows, s.dOut, (s.n * rows) / (s.n + rows));
    s.n += rows;
  }

  prepare(shape: ModuleShape, diagonalOnly: boolean): void | Promise<void> {
    const key = shapeKey(shape);
    const s = this.stats.get(key) ?? this.statsFor(shape);
    const dof = s.niw ? s.niw.nu : s.n;
    if (diagonalOnly || !whitens(this.spec) || !canWhiten(dof, s.dOut)) {
      this.plans.set(key, { kind: 'diagonal', stats: s });
      return;
    }
    const denom = dof - s.dOut - 1 + F32_EPS;
    const centre = s.niw ? { buffer: s.niw.mu, offset: 0 } : { buffer: s.mean, offset: s.dIn };
    const invSqrt = this.scratch(s.dOut * s.dOut, `Σ^-1/2 ${key}`);
    const eigenvalues = this.scratch(s.dOut, `λ(Σ) ${key}`);
    this.plans.set(key, { kind: 'full', stats: s, invSqrt, eigenvalues, centre, denom });
    return this.whitener.whiten(
      { encoder: () => this.enc(), submit: () => this.submitPending('statistics') },
      { key, cov: s.cov!, d: s.dOut, scale: 1 / denom, invSqrt, eigenvalues },
    );
  }

  step(module: string, shape: ModuleShape, captures: ModuleCapture[]): RidgeForm | 'gradient' {
    const { dIn, dOut } = shape;
    const rows = captures.reduce((r, c) => r + c.rows, 0);
    const k = this.k;
    const e = this.enc();
    const keys = this.scratch(rows * dIn, `K ${module}`);
    const grads = this.scratch(rows * dOut, `G ${module}`);
    let r = 0;
    for (const c of captures) {
      if (c.rows === 0) continue;
      const u = this.upload(c);
      e.copyBufferToBuffer(u.keys, 0, keys, r * dIn * 4, c.rows * dIn * 4);
      e.copyBufferToBuffer(u.grads, 0, grads, r * dOut * 4, c.rows * dOut * 4);
      r += c.rows;
    }
    const delta = this.scratch(dIn * dOut, `ΔW ${module}`);
    let form: RidgeForm | 'gradient';
    if (this.spec.step === 'gradient') {
      form = 'gradient';
      if (rows === 0) e.clearBuffer(delta);
      else {
        const ktg = this.scratch(dIn * dOut, `KᵀG ${module}`);
        k.matmul(e, keys, grads, ktg, { m: dIn, k: rows, n: dOut, transA: true });
        k.scale(e, ktg, delta, dIn * dOut, -this.options.lr);
      }
    } else {
      const s = { rows, dIn, dOut };
      form = this.options.solveForm ?? preferredRidgeForm(s);
      if (rows === 0) e.clearBuffer(delta);
      else {
        const v = this.scratch(rows * dOut, `V ${module}`);
        const plan = this.plans.get(shapeKey(shape));
        const vo = { rows, dIn, dOut, n: plan?.stats.n ?? 0, lr: this.options.lr, eps: F32_EPS };
        if (!plan) k.values(e, 'raw', keys, grads, keys, keys, v, vo);
        else if (plan.kind === 'diagonal') k.values(e, 'diagonal', keys, grads, plan.stats.mean, plan.stats.m2, v, vo);
        else {
          const centred = this.scratch(rows * dOut, `G−μ ${module}`);
          const gHat = this.scratch(rows * dOut, `ĝ ${module}`);
          k.centreRows(e, grads, plan.centre!.buffer, centred, rows, dOut, plan.centre!.offset);
          k.matmul(e, centred, plan.invSqrt!, gHat, { m: rows, k: dOut, n: dOut });
          k.values(e, 'whitened', keys, gHat, plan.stats.mean, plan.stats.m2, v, vo);
        }
        const big = form === 'dual' ? rows : dIn;
        const work = {
          a: this.scratch(big * big, `ridge A ${module}`),
          x: this.scratch(rows * dOut, `ridge X ${module}`),
          info: this.scratch(1, `Cholesky info ${module}`),
        };
        k.ridge(e, form, keys, v, delta, work, { ...s, lambda: this.options.ridge });
        this.infos.push({ module, info: work.info });
      }
    }
    this.deltas.set(module, { buffer: delta, shape, form });
    return form;
  }

  private infos: { module: string; info: GPUBuffer }[] = [];

  /**
   * Stage times measured on the GPU. With timestamp queries: an empty compute pass writes a timestamp
   * at each segment boundary and the turn's readback carries them. Without: each segment is submitted
   * on its own and timed to queue completion (stage sums; a few more sync points per turn).
   */
  private readonly timestamps: GPUQuerySet | null;
  private marks: { module: string; stage: keyof StageTimes }[] = [];
  private open: { module: string; stage: keyof StageTimes } | null = null;
  private measured = new Map<string, StageTimes>();

  stage(module: string, stage: keyof StageTimes): void | Promise<void> {
    if (this.timestamps) {
      if (this.marks.length >= MAX_MARKS - 1) return;
      this.mark();
      this.marks.push({ module, stage });
      return;
    }
    const previous = this.open;
    this.open = { module, stage };
    if (previous && this.encoder) return this.timeSegment(previous);
  }

  private mark(): void {
    const pass = this.enc().beginComputePass({
      label: 'stage boundary',
      timestampWrites: { querySet: this.timestamps!, beginningOfPassWriteIndex: this.marks.length },
    });
    pass.end();
  }

  private async timeSegment(segment: { module: string; stage: keyof StageTimes }): Promise<void> {
    const t0 = performance.now();
    await this.submitPending(`${segment.stage} ${segment.module}`);
    await this.device.queue.onSubmittedWorkDone();
    this.charge(segment, performance.now() - t0);
  }

  private charge(segment: { module: string; stage: keyof StageTimes }, ms: number): void {
    const t = this.measured.get(segment.module) ?? { stats: 0, whitening: 0, solve: 0 };
    t[segment.stage] += ms;
    this.measured.set(segment.module, t);
  }

  async finish(turn: number): Promise<BackendTurn> {
    this.turnNo = turn;
    try {
      if (this.open && this.encoder) await this.timeSegment(this.open);
      this.open = null;
      const layout = this.layout();
      const marks = this.timestamps ? this.marks.length + 1 : 0;
      if (marks > 1) this.mark();
      // Timestamps (u64, 2 words each, 8-byte aligned) after the floats and the Cholesky words.
      const stampsAt = 2 * Math.ceil((layout.floats + this.infos.length) / 2);
      const readback = this.scratch(stampsAt + 2 * marks, 'turn readback');
      const e = this.enc();
      if (marks > 1) {
        const resolved = this.work.get('timestamps', 8 * marks, GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC);
        e.resolveQuerySet(this.timestamps!, 0, marks, resolved, 0);
        e.copyBufferToBuffer(resolved, 0, readback, stampsAt * 4, 8 * marks);
      }
      for (const [module, d] of this.deltas)
        e.copyBufferToBuffer(d.buffer, 0, readback, layout.deltaAt.get(module)! * 4, d.shape.dIn * d.shape.dOut * 4);
      for (const [key, p] of this.plans) {
        const at = layout.planAt.get(key)!;
        const s = p.stats;
        if (p.kind === 'full') {
          e.copyBufferToBuffer(p.centre!.buffer, p.centre!.offset * 4, readback, at.gradMean * 4, s.dOut * 4);
          e.copyBufferToBuffer(s.cov!, 0, readback, at.sigma * 4, s.dOut * s.dOut * 4);
          e.copyBufferToBuffer(p.eigenvalues!, 0, readback, at.eigen * 4, s.dOut * 4);
        } else {
          e.copyBufferToBuffer(s.mean, s.dIn * 4, readback, at.gradMean * 4, s.dOut * 4);
          e.copyBufferToBuffer(s.m2, s.dIn * 4, readback, at.sigma * 4, s.dOut * 4);
        }
      }
      this.infos.forEach(({ info }, i) => e.copyBufferToBuffer(info, 0, readback, (layout.floats + i) * 4, 4));
      await this.submitPending('solve');
      const data = await readBuffer(this.device, readback, (stampsAt + 2 * marks) * 4);
      if (marks > 1) {
        const ns = new BigUint64Array(data, stampsAt * 4, marks);
        this.marks.forEach((m, i) => this.charge(m, Number(ns[i + 1] - ns[i]) / 1e6));
      }
      const out = new Float32Array(data, 0, layout.floats);
      const status = new Uint32Array(data, layout.floats * 4);
      const failed = this.infos.findIndex((_, i) => status[i] !== 0);
      if (failed >= 0)
        throw new InputError(
          `turn ${turn}, module ${this.infos[failed].module}`,
          'the ridge system KKᵀ + λI was not positive definite in fp32 (Cholesky failed); raise λ',
        );
      const deltas = new Map<string, Float32Array>();
      for (const [module, d] of this.deltas) {
        const at = layout.deltaAt.get(module)!;
        deltas.set(module, out.slice(at, at + d.shape.dIn * d.shape.dOut));
      }
      const plans = new Map<string, PlanSummary>();
      for (const [key, p] of this.plans) plans.set(key, this.summary(p, out, layout.planAt.get(key)!));
      const times = new Map(this.measured);
      return { deltas, plans, times };
    } finally {
      this.abort();
    }
  }

  /** μ and Σ as the float64 editor reports them, from the floats read back. */
  private summary(p: GpuPlan, out: Float32Array, at: { gradMean: number; sigma: number; eigen: number }): PlanSummary {
    const s = p.stats;
    const gradMean = Float64Array.from(out.subarray(at.gradMean, at.gradMean + s.dOut));
    if (p.kind === 'full') {
      const values = Float64Array.from(out.subarray(at.sigma, at.sigma + s.dOut * s.dOut), (v) => v / p.denom!);
      return { gradMean, sigma: { kind: 'full', values, spectrum: spectrumOf(out.subarray(at.eigen, at.eigen + s.dOut)) } };
    }
    if (s.n < 2) return { gradMean, sigma: null };
    const denom = s.n - 1 + F32_EPS;
    const values = Float64Array.from(out.subarray(at.sigma, at.sigma + s.dOut), (v) => v / denom);
    return { gradMean, sigma: { kind: 'diagonal', values, spectrum: spectrumOf(values) } };
  }

  private layout(): ReadbackLayout {
    let floats = 0;
    const deltaAt = new Map<string, number>();
    for (const [module, d] of this.deltas) {
      deltaAt.set(module, floats);
      floats += d.shape.dIn * d.shape.dOut;
    }
    const planAt = new Map<string, { gradMean: number; sigma: number; eigen: number }>();
    for (const [key, p] of this.plans) {
      const d = p.stats.dOut;
      const full = p.kind === 'full';
      planAt.set(key, { gradMean: floats, sigma: floats + d, eigen: floats + d + (full ? d * d : d) });
      floats += 2 * d + (full ? d * d + d : 0);
    }
    return { floats, deltaAt, planAt };
  }

  private async submitPending(stage: string): Promise<void> {
    const e = this.encoder;
    this.encoder = null;
    if (e) await this.k.submit(e, `${this.spec.name} turn ${this.turnNo} ${stage}`);
  }

  abort(): void {
    this.encoder = null;
    this.uploads = new Map();
    this.uploadCount = new Map();
    this.plans = new Map();
    this.deltas = new Map();
    this.infos = [];
    this.marks = [];
    this.open = null;
    this.measured = new Map();
  }

  private statsFor(c: ModuleShape): ShapeStats {
    const key = shapeKey(c);
    let s = this.stats.get(key);
    if (!s) this.stats.set(key, (s = this.uploadStats(c.dIn, c.dOut, this.initialState(c.dIn, c.dOut))));
    return s;
  }

  /** A fresh shape's state: zeros, or the NIW prior. */
  private initialState(dIn: number, dOut: number): NormalizerState {
    const d = dIn + dOut;
    const state: NormalizerState = { n: 0, mean: new Float64Array(d), m2: new Float64Array(d) };
    const cov = this.spec.statistics?.covariance;
    if (cov === 'scatter') state.scatter = new Float64Array(dOut * dOut);
    if (cov === 'niw') {
      const p = niwPrior(this.options.niw, dOut);
      const psi = new Float64Array(dOut * dOut);
      for (let i = 0; i < dOut; i++) psi[i * dOut + i] = p.psi0;
      Object.assign(state, { mu: p.mu0, kappa: p.kappa0, nu: p.nu0, psi });
    }
    return state;
  }

  /** Resident statistics of one shape from a state record in the checkpoint layout. */
  private uploadStats(dIn: number, dOut: number, st: NormalizerState): ShapeStats {
    const key = `${dIn}x${dOut}`;
    const d = dIn + dOut;
    const up = (label: string, values: number | Float64Array) =>
      uploadBuffer(
        this.device,
        typeof values === 'number' ? new Float32Array(values) : Float32Array.from(values),
        undefined,
        `${label} ${key}`,
      );
    const niw = st.mu !== undefined;
    return {
      dIn,
      dOut,
      n: st.n as number,
      mean: up('mean', st.mean),
      m2: up('M2', st.m2),
      cov: niw ? up('Ψ', st.psi) : st.scatter !== undefined ? up('S', st.scatter) : null,
      niw: niw ? { mu: up('μ', st.mu), kappa: st.kappa as number, nu: st.nu as number } : null,
      batchMean: up('batch mean', d),
      batchM2: up('batch M2', d),
      delta: up('δ', d),
      muDelta: niw ? up('ḡ − μ', dOut) : null,
      muM2: niw ? up('μ M2 (unused)', dOut) : null,
    };
  }

  /** Reads the resident statistics back into exactly the float64 editor's layout (spec.stateLayout). */
  async save(): Promise<Record<string, NormalizerState>> {
    const read = async (b: GPUBuffer, floats: number) => Float64Array.from(await readFloat32(this.device, b, floats));
    const shapes: Record<string, NormalizerState> = {};
    for (const [key, s] of this.stats) {
      const d = s.dIn + s.dOut;
      const rec: NormalizerState = { n: s.n, mean: await read(s.mean, d), m2: await read(s.m2, d) };
      if (s.niw)
        Object.assign(rec, { mu: await read(s.niw.mu, s.dOut), kappa: s.niw.kappa, nu: s.niw.nu, psi: await read(s.cov!, s.dOut ** 2) });
      else if (s.cov) rec.scatter = await read(s.cov, s.dOut * s.dOut);
      shapes[key] = rec;
    }
    return shapes;
  }

  load(shapes: ShapeRecord[]): void {
    this.dropStatistics();
    for (const s of shapes) this.stats.set(s.key, this.uploadStats(s.dIn, s.dOut, s.state));
  }

  private dropStatistics(): void {
    this.abort();
    for (const s of this.stats.values())
      for (const b of [s.mean, s.m2, s.cov, s.niw?.mu, s.batchMean, s.batchM2, s.delta, s.muDelta, s.muM2])
        if (b) {
          this.k.bindings.forget(b);
          b.destroy();
        }
    this.stats.clear();
    this.whitener.dispose();
  }

  dispose(): void {
    this.dropStatistics();
    this.work.destroy();
    this.k.bindings.dispose();
    this.timestamps?.destroy();
  }

  /** How the stage times are measured (see `stage`). */
  get timing(): 'timestamp-query' | 'stage sums' {
    return this.timestamps ? 'timestamp-query' : 'stage sums';
  }
}
