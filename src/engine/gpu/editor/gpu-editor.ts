/**
 * The lifelong editors on the GPU: same turn semantics, registry names and diagnostics as the float64
 * LifelongEditor (editors/lifelong.ts), with the statistics resident in GPU buffers and every kernel
 * of a turn recorded into one command encoder and one readback (ΔW for the caller + the few floats
 * the diagnostics need). `stableedit` past warm-up adds one small readback of the scatter S
 * (dOut×dOut per shape): Σ^{-1/2} is taken from the exact eigendecomposition on the CPU so the
 * reference's 1e-6 eigenvalue clamp is reproduced — Newton–Schulz (newtonSchulz in kernels.ts) has
 * no clamp and diverges on the rank-deficient Σ of early turns (see e2e/editor-kernels.spec.ts).
 *
 * The turn is asynchronous (GPU work), so this implements the Editor contract with `turn` returning
 * a Promise. Captures are validated (shapes, finite values) before any GPU work, so a refused turn
 * leaves the statistics as they were. A Cholesky failure (λ too small for fp32) is detected after the
 * statistics were merged: that turn's statistics stay merged and the error names turn and module.
 */
import { InputError } from '../../types';
import type { ModuleCapture } from '../../types';
import type { EditorOptions, EditorState, ModuleDelta, ModuleDiagnostics, TurnInput, TurnResult } from '../../editors/editor';
import { validateTurn, type ModuleShape } from '../../editors/validate';
import { F32_EPS } from '../../editors/normalizers/normalizer';
import { canWhiten } from '../../editors/normalizers/whitenedPlan';
import { inverseSqrtEigh, spectrumOf, type Spectrum } from '../../linalg/inverseSqrt';
import { frobeniusDistance } from '../../linalg/frobenius';
import { preferredRidgeForm, type RidgeForm } from '../../linalg/ridge';
import { readBuffer, readFloat32, uploadBuffer, writeBuffer } from '../buffers';
import { stateArray, stateNumber } from '../../editors/normalizers/persist';
import type { GpuContext } from '../context';
import { EditorKernels, type BatchVariance } from './kernels';

interface GpuEditorKind {
  variance: BatchVariance | null;
  whiten: boolean;
  step: 'ridge' | 'gradient';
  minBatchRows: number;
}

const KINDS: Record<string, GpuEditorKind> = {
  ultraedit: { variance: 'unbiased-batch', whiten: false, step: 'ridge', minBatchRows: 2 },
  stableedit: { variance: 'biased', whiten: true, step: 'ridge', minBatchRows: 1 },
  diagonal: { variance: 'biased', whiten: false, step: 'ridge', minBatchRows: 1 },
  'no-ln': { variance: null, whiten: false, step: 'ridge', minBatchRows: 1 },
  ft: { variance: null, whiten: false, step: 'gradient', minBatchRows: 1 },
};

export const gpuEditorNames: readonly string[] = Object.keys(KINDS);

/** Running statistics of one weight shape, on the GPU: mean and M2 of z = [k | g], scatter S of g. */
interface ShapeStats {
  dIn: number;
  dOut: number;
  n: number;
  mean: GPUBuffer;
  m2: GPUBuffer;
  scatter: GPUBuffer | null;
  /** Scratch for one batch's moments and δ. */
  batchMean: GPUBuffer;
  batchM2: GPUBuffer;
  delta: GPUBuffer;
}

interface PlanMemory {
  gradMean: Float64Array;
  kind: 'full' | 'diagonal' | null;
  sigma: Float64Array | null;
}

export class GpuEditor {
  private turns = 0;
  private readonly stats = new Map<string, ShapeStats>();
  private readonly prevDelta = new Map<string, GPUBuffer>();
  /** Floats of each previous ΔW (its pooled buffer may be larger). */
  private readonly deltaFloats = new Map<string, number>();
  private readonly lastPlan = new Map<string, PlanMemory>();
  private readonly kind: GpuEditorKind;

  private constructor(
    readonly name: string,
    private readonly options: EditorOptions,
    private readonly k: EditorKernels,
  ) {
    const kind = KINDS[name];
    if (!kind) throw new InputError('gpu editor', `unknown editor "${name}"; the GPU backend has: ${gpuEditorNames.join(', ')}`);
    this.kind = kind;
    const { lr, ridge } = options;
    if (!Number.isFinite(lr)) throw new InputError(`editor ${name}`, `lr must be a finite number, got ${lr}`);
    if (kind.step === 'ridge' && !(Number.isFinite(ridge) && ridge > 0))
      throw new InputError(`editor ${name}`, `ridge λ must be a finite number > 0, got ${ridge}`);
    if (options.niw) throw new InputError(`editor ${name}`, 'the NIW prior is not supported by the GPU backend');
  }

  static async create(name: string, options: EditorOptions, ctx: GpuContext): Promise<GpuEditor> {
    return new GpuEditor(name, options, await EditorKernels.load(ctx));
  }

  get turnIndex(): number {
    return this.turns;
  }

  async turn(input: TurnInput): Promise<TurnResult> {
    const t = this.turns;
    const k = this.k;
    const device = k.ctx.device;
    const warmup = !!input.warmup || !!input.statisticsOnly;
    // Validation (finite K/G, shapes, rows) happens before any GPU work: a bad turn changes nothing.
    const modules = validateTurn(input.subBatches, t, () => this.kind.minBatchRows);
    if (input.loss !== undefined && !Number.isFinite(input.loss)) throw new InputError(`turn ${t}`, `loss is ${input.loss}`);

    // Pooled scratch goes back to the pool after the turn; one-off uploads are destroyed.
    const pooled: GPUBuffer[] = [];
    const temp: GPUBuffer[] = [];
    const scratch = (floats: number, label: string) => {
      const b = k.buffer(Math.max(1, floats), label);
      pooled.push(b);
      return b;
    };
    const t0 = performance.now();
    try {
      // Stacked K and G per module; sub-batch captures are uploaded once and copied into place.
      const stacked = new Map<string, { keys: GPUBuffer; grads: GPUBuffer; rows: number }>();
      for (const [module, shape] of modules) {
        const rows = countRows(input.subBatches, module);
        stacked.set(module, { keys: scratch(rows * shape.dIn, `K ${module}`), grads: scratch(rows * shape.dOut, `G ${module}`), rows });
      }
      const enc = device.createCommandEncoder({ label: `${this.name} turn ${t}` });
      const cursor = new Map<string, number>();
      for (const caps of input.subBatches)
        for (const c of caps) {
          if (c.rows === 0) continue;
          const st = stacked.get(c.module)!;
          const r = cursor.get(c.module) ?? 0;
          cursor.set(c.module, r + c.rows);
          const kb = uploadBuffer(device, c.keys, undefined, `K ${c.module}`);
          const gb = uploadBuffer(device, c.grads, undefined, `G ${c.module}`);
          temp.push(kb, gb);
          enc.copyBufferToBuffer(kb, 0, st.keys, r * c.dIn * 4, c.rows * c.dIn * 4);
          enc.copyBufferToBuffer(gb, 0, st.grads, r * c.dOut * 4, c.rows * c.dOut * 4);
          if (this.kind.variance) this.encodeStatsUpdate(enc, this.statsFor(c), kb, gb, c.rows);
        }

      // Whitening needs Σ^{-1/2} before the solve: submit the statistics, read S, decompose on the CPU.
      const invSqrt = new Map<string, { buffer: GPUBuffer; sigma: Float64Array; spectrum: Spectrum }>();
      const whitenShapes =
        this.kind.whiten && !warmup ? [...this.stats.values()].filter((s) => modulesUse(modules, s) && canWhiten(s.n, s.dOut)) : [];
      if (whitenShapes.length) {
        await k.submit(enc, `${this.name} turn ${t} statistics`);
        for (const s of whitenShapes) {
          const S = new Float32Array(await readBuffer(device, s.scatter!, s.dOut * s.dOut * 4));
          const denom = s.n - s.dOut - 1 + F32_EPS;
          const sigma = Float64Array.from(S, (v) => v / denom);
          const { invSqrt: w, eigen } = inverseSqrtEigh(sigma, s.dOut);
          const buffer = uploadBuffer(device, Float32Array.from(w), undefined, `Σ^-1/2 ${shapeKey(s)}`);
          temp.push(buffer);
          invSqrt.set(shapeKey(s), { buffer, sigma, spectrum: spectrumOf(eigen.values) });
        }
      }
      const enc2 = whitenShapes.length ? device.createCommandEncoder({ label: `${this.name} turn ${t} solve` }) : enc;

      // One readback buffer: per module ‖ΔW‖², ⟨ΔW, ΔW_prev⟩, then per shape mean_g and M2_g, then every ΔW.
      const mods = [...modules.entries()];
      const shapes = [...new Set(mods.map(([, s]) => `${s.dIn}x${s.dOut}`))]
        .map((key) => this.stats.get(key))
        .filter((s): s is ShapeStats => !!s);
      let offset = 2 * mods.length;
      const gradStatAt = new Map<string, number>();
      for (const s of shapes) {
        gradStatAt.set(shapeKey(s), offset);
        offset += 2 * s.dOut;
      }
      const deltaAt = new Map<string, number>();
      if (!input.statisticsOnly)
        for (const [module, s] of mods) {
          deltaAt.set(module, offset);
          offset += s.dIn * s.dOut;
        }
      const readback = scratch(offset, 'turn readback');
      const dots = scratch(2 * mods.length, 'diagnostic dots');
      const newDeltas = new Map<string, GPUBuffer>();
      const forms = new Map<string, RidgeForm | 'gradient'>();
      const info = scratch(mods.length, 'cholesky info');

      mods.forEach(([module, shape], mi) => {
        const st = stacked.get(module)!;
        const stats = this.stats.get(`${shape.dIn}x${shape.dOut}`);
        if (input.statisticsOnly) return;
        const delta = k.buffer(shape.dIn * shape.dOut, `ΔW ${module}`);
        newDeltas.set(module, delta);
        const { dIn, dOut } = shape;
        const rows = st.rows;
        if (rows === 0) enc2.clearBuffer(delta);
        else if (this.kind.step === 'gradient') {
          const ktg = scratch(dIn * dOut, `KᵀG ${module}`);
          k.matmul(enc2, st.keys, st.grads, ktg, { m: dIn, k: rows, n: dOut, transA: true });
          k.scale(enc2, ktg, delta, dIn * dOut, -this.options.lr);
          forms.set(module, 'gradient');
        } else {
          const v = scratch(rows * dOut, `V ${module}`);
          const w = stats ? invSqrt.get(shapeKey(stats)) : undefined;
          const vo = { rows, dIn, dOut, n: stats?.n ?? 0, lr: this.options.lr, eps: F32_EPS };
          if (!stats) k.values(enc2, 'raw', st.keys, st.grads, st.keys, st.keys, v, vo);
          else if (!w) k.values(enc2, 'diagonal', st.keys, st.grads, stats.mean, stats.m2, v, vo);
          else {
            const centred = scratch(rows * dOut, `G−μ ${module}`);
            const gHat = scratch(rows * dOut, `ĝ ${module}`);
            k.centreRows(enc2, st.grads, stats.mean, centred, rows, dOut, dIn);
            k.matmul(enc2, centred, w.buffer, gHat, { m: rows, k: dOut, n: dOut });
            k.values(enc2, 'whitened', st.keys, gHat, stats.mean, stats.m2, v, vo);
          }
          const s = { rows, dIn, dOut };
          const form = this.options.solveForm ?? preferredRidgeForm(s);
          const big = form === 'dual' ? rows : dIn;
          const work = { a: scratch(big * big, 'ridge A'), x: scratch(rows * dOut, 'ridge X'), info: scratch(1, 'info') };
          k.ridge(enc2, form, st.keys, v, delta, work, { ...s, lambda: this.options.ridge });
          enc2.copyBufferToBuffer(work.info, 0, info, mi * 4, 4);
          forms.set(module, form);
        }
        k.inner(enc2, delta, delta, dots, dIn * dOut, 2 * mi);
        const prev = this.prevDelta.get(module);
        if (prev) k.inner(enc2, delta, prev, dots, dIn * dOut, 2 * mi + 1);
        enc2.copyBufferToBuffer(delta, 0, readback, deltaAt.get(module)! * 4, dIn * dOut * 4);
      });
      enc2.copyBufferToBuffer(dots, 0, readback, 0, 2 * mods.length * 4);
      for (const s of shapes) {
        const at = gradStatAt.get(shapeKey(s))! * 4;
        enc2.copyBufferToBuffer(s.mean, s.dIn * 4, readback, at, s.dOut * 4);
        enc2.copyBufferToBuffer(s.m2, s.dIn * 4, readback, at + s.dOut * 4, s.dOut * 4);
      }
      await k.submit(enc2, `${this.name} turn ${t}`);
      const [data, infoWords] = await Promise.all([readBuffer(device, readback, offset * 4), readBuffer(device, info, mods.length * 4)]);
      const out = new Float32Array(data);
      const failed = [...new Uint32Array(infoWords)].findIndex(
        (v, i) => v !== 0 && forms.get(mods[i][0]) !== 'gradient' && !input.statisticsOnly,
      );
      if (failed >= 0)
        throw new InputError(
          `turn ${t}, module ${mods[failed][0]}`,
          'the ridge system KKᵀ + λI was not positive definite in fp32 (Cholesky failed); raise λ',
        );

      // Diagnostics, mirroring LifelongEditor.
      const elapsed = performance.now() - t0;
      const plans = new Map<string, PlanMemory & { spectrum: Spectrum | null }>();
      for (const s of shapes) {
        const at = gradStatAt.get(shapeKey(s))!;
        const gradMean = Float64Array.from(out.subarray(at, at + s.dOut));
        const w = invSqrt.get(shapeKey(s));
        if (w) plans.set(shapeKey(s), { gradMean, kind: 'full', sigma: w.sigma, spectrum: w.spectrum });
        else if (s.n >= 2) {
          const denom = s.n - 1 + F32_EPS;
          const values = Float64Array.from(out.subarray(at + s.dOut, at + 2 * s.dOut), (v) => v / denom);
          plans.set(shapeKey(s), { gradMean, kind: 'diagonal', sigma: values, spectrum: spectrumOf(values) });
        } else plans.set(shapeKey(s), { gradMean, kind: null, sigma: null, spectrum: null });
      }
      const deltas = new Map<string, ModuleDelta>();
      const records: ModuleDiagnostics[] = mods.map(([module, shape], mi) => {
        const key = `${shape.dIn}x${shape.dOut}`;
        const plan = plans.get(key);
        const prevPlan = this.lastPlan.get(key);
        const rec: ModuleDiagnostics = {
          module,
          rows: stacked.get(module)!.rows,
          deltaNorm: null,
          cosinePrev: null,
          sigma: plan?.kind ?? null,
          lambdaMax: plan?.spectrum?.lambdaMax ?? null,
          conditionNumber: plan?.spectrum?.conditionNumber ?? null,
          meanDrift: plan && prevPlan ? frobeniusDistance(plan.gradMean, prevPlan.gradMean) : null,
          covDrift: plan?.sigma && prevPlan?.sigma && plan.kind === prevPlan.kind ? frobeniusDistance(plan.sigma, prevPlan.sigma) : null,
          solve: forms.get(module) ?? null,
          // The GPU turn is one submission: its time is charged to the solve of the first module.
          timeMs: { stats: 0, whitening: 0, solve: mi === 0 ? elapsed : 0 },
        };
        if (!input.statisticsOnly) {
          const at = deltaAt.get(module)!;
          const delta = out.slice(at, at + shape.dIn * shape.dOut);
          deltas.set(module, { dIn: shape.dIn, dOut: shape.dOut, delta });
          const sq = out[2 * mi];
          rec.deltaNorm = Math.sqrt(sq);
          const prev = this.prevDelta.get(module);
          const prevSq = this.lastNormSq.get(module);
          rec.cosinePrev = prev && prevSq !== undefined && sq > 0 && prevSq > 0 ? out[2 * mi + 1] / Math.sqrt(sq * prevSq) : null;
          this.lastNormSq.set(module, sq);
        }
        return rec;
      });
      for (const [module, b] of newDeltas) {
        const old = this.prevDelta.get(module);
        if (old) k.ctx.pool.release(old);
        this.prevDelta.set(module, b);
        const shape = modules.get(module)!;
        this.deltaFloats.set(module, shape.dIn * shape.dOut);
      }
      for (const [key, p] of plans) this.lastPlan.set(key, { gradMean: p.gradMean, kind: p.kind, sigma: p.sigma });
      this.turns++;
      return {
        deltas,
        diagnostics: {
          turn: t,
          warmup: !!input.warmup,
          statisticsOnly: !!input.statisticsOnly,
          loss: input.loss ?? null,
          modules: records,
        },
      };
    } finally {
      for (const b of pooled) k.ctx.pool.release(b);
      for (const b of temp) b.destroy();
    }
  }

  private readonly lastNormSq = new Map<string, number>();

  private statsFor(c: ModuleShape): ShapeStats {
    const key = `${c.dIn}x${c.dOut}`;
    let s = this.stats.get(key);
    if (!s) {
      s = this.uploadStats(c.dIn, c.dOut, 0);
      this.stats.set(key, s);
    }
    return s;
  }

  /** Resident statistics of one shape from given values (zeros where absent). */
  private uploadStats(
    dIn: number,
    dOut: number,
    n: number,
    init: Partial<Record<'mean' | 'm2' | 'scatter', Float64Array>> = {},
  ): ShapeStats {
    const d = dIn + dOut;
    const key = `${dIn}x${dOut}`;
    const upload = (floats: number, label: string, values?: Float64Array) =>
      uploadBuffer(this.k.ctx.device, values ? Float32Array.from(values) : new Float32Array(floats), undefined, `${label} ${key}`);
    return {
      dIn,
      dOut,
      n,
      mean: upload(d, 'mean', init.mean),
      m2: upload(d, 'M2', init.m2),
      scatter: this.kind.whiten ? upload(dOut * dOut, 'S', init.scatter) : null,
      batchMean: upload(d, 'batch mean'),
      batchM2: upload(d, 'batch M2'),
      delta: upload(d, 'δ'),
    };
  }

  /** One (sub-batch, module) update: k and g moments merged Chan-style, then the scatter of g. */
  private encodeStatsUpdate(enc: GPUCommandEncoder, s: ShapeStats, keys: GPUBuffer, grads: GPUBuffer, rows: number): void {
    const k = this.k;
    const variance = this.kind.variance!;
    k.moments(enc, keys, rows, s.dIn, s.batchMean, s.batchM2);
    k.chanMerge(enc, { mean: s.batchMean, m2: s.batchM2 }, s, s.delta, { d: s.dIn, offset: 0, nOld: s.n, rows, variance });
    k.moments(enc, grads, rows, s.dOut, s.batchMean, s.batchM2);
    k.chanMerge(enc, { mean: s.batchMean, m2: s.batchM2 }, s, s.delta, { d: s.dOut, offset: s.dIn, nOld: s.n, rows, variance });
    if (s.scatter) k.scatter(enc, grads, s.batchMean, s.delta, s.scatter, rows, s.dOut, (s.n * rows) / (s.n + rows));
    s.n += rows;
  }

  /**
   * Reads the resident statistics back into exactly the layout the float64 editor of the same name
   * saves (per shape: n, mean and M2 of z = [k | g], plus the scatter S for `stableedit`; no shapes for
   * editors without statistics), so either backend resumes the other's checkpoint.
   */
  async saveState(): Promise<EditorState> {
    const device = this.k.ctx.device;
    const read = async (b: GPUBuffer, floats: number) => Float64Array.from(await readFloat32(device, b, floats));
    const shapes: EditorState['shapes'] = {};
    for (const [key, s] of this.stats) {
      const d = s.dIn + s.dOut;
      const rec: Record<string, number | Float64Array> = { n: s.n, mean: await read(s.mean, d), m2: await read(s.m2, d) };
      if (s.scatter) rec.scatter = await read(s.scatter, s.dOut * s.dOut);
      shapes[key] = rec;
    }
    const deltas: Record<string, Float32Array> = {};
    for (const [module, b] of this.prevDelta) deltas[module] = await readFloat32(device, b, this.deltaFloats.get(module)!);
    const plans: NonNullable<EditorState['memory']>['plans'] = {};
    for (const [key, p] of this.lastPlan) plans[key] = { gradMean: p.gradMean, sigmaKind: p.kind, sigmaValues: p.sigma };
    return { editor: this.name, turn: this.turns, shapes, memory: { deltas, plans } };
  }

  /** Uploads a state saved by either backend; everything is checked before the current state is replaced. */
  async loadState(state: EditorState): Promise<void> {
    if (state.editor !== this.name) throw new InputError('editor state', `was saved by editor "${state.editor}", this is "${this.name}"`);
    if (!Number.isInteger(state.turn) || state.turn < 0)
      throw new InputError('editor state', `turn must be a non-negative integer, got ${state.turn}`);
    const parsed: { dIn: number; dOut: number; n: number; init: Record<string, Float64Array> }[] = [];
    for (const [key, rec] of Object.entries(state.shapes)) {
      const m = /^(\d+)x(\d+)$/.exec(key);
      if (!m || !this.kind.variance)
        throw new InputError(
          `editor state shape "${key}"`,
          this.kind.variance ? 'expected "<dIn>x<dOut>"' : `editor ${this.name} keeps no statistics`,
        );
      const [dIn, dOut] = [Number(m[1]), Number(m[2])];
      const init: Record<string, Float64Array> = { mean: stateArray(rec, 'mean', dIn + dOut), m2: stateArray(rec, 'm2', dIn + dOut) };
      if (this.kind.whiten) init.scatter = stateArray(rec, 'scatter', dOut * dOut);
      parsed.push({ dIn, dOut, n: stateNumber(rec, 'n'), init });
    }
    const deltas = Object.entries(state.memory?.deltas ?? {});
    for (const [module, d] of deltas)
      if (!(d instanceof Float32Array)) throw new InputError(`editor state previous ΔW of ${module}`, 'expected a Float32Array');

    this.dispose();
    for (const p of parsed) this.stats.set(`${p.dIn}x${p.dOut}`, this.uploadStats(p.dIn, p.dOut, p.n, p.init));
    for (const [module, d] of deltas) {
      const b = this.k.buffer(d.length, `ΔW ${module}`);
      writeBuffer(this.k.ctx.device, b, d);
      this.prevDelta.set(module, b);
      this.deltaFloats.set(module, d.length);
      let sq = 0;
      for (const v of d) sq += v * v;
      this.lastNormSq.set(module, sq);
    }
    for (const [key, p] of Object.entries(state.memory?.plans ?? {}))
      this.lastPlan.set(key, { gradMean: p.gradMean, kind: p.sigmaKind, sigma: p.sigmaValues });
    this.turns = state.turn;
  }

  dispose(): void {
    for (const s of this.stats.values()) for (const b of [s.mean, s.m2, s.scatter, s.batchMean, s.batchM2, s.delta]) b?.destroy();
    for (const b of this.prevDelta.values()) this.k.ctx.pool.release(b);
    this.stats.clear();
    this.prevDelta.clear();
    this.deltaFloats.clear();
    this.lastNormSq.clear();
    this.lastPlan.clear();
  }
}

const shapeKey = (s: ModuleShape) => `${s.dIn}x${s.dOut}`;

function countRows(subBatches: ModuleCapture[][], module: string): number {
  let rows = 0;
  for (const sb of subBatches) for (const c of sb) if (c.module === module) rows += c.rows;
  return rows;
}

function modulesUse(modules: Map<string, ModuleShape>, s: ShapeStats): boolean {
  for (const m of modules.values()) if (m.dIn === s.dIn && m.dOut === s.dOut) return true;
  return false;
}
