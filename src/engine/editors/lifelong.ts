/**
 * The turn every lifelong editor shares (DESIGN.md §1 steps 4–5): validate, update the per-shape
 * statistics once per (sub-batch, module) in sub-batch then module order, then per module stack the
 * turn's raw K and G, normalize, form V and solve the ridge system — or take the plain gradient
 * step. An editor is this driver plus a normalizer factory and a step kind (see ./registry.ts).
 */
import { frobeniusCosine, frobeniusDistance, frobeniusNorm } from '../linalg/frobenius';
import { matmul } from '../linalg/matmul';
import { preferredRidgeForm, ridgeSolve, type RidgeForm } from '../linalg/ridge';
import type { ModuleCapture } from '../types';
import { InputError } from '../types';
import type { Editor, EditorOptions, EditorState, ModuleDelta, ModuleDiagnostics, TurnInput, TurnResult } from './editor';
import type { NormalizationPlan, Normalizer } from './normalizers/normalizer';
import { validateTurn, type ModuleShape } from './validate';
import { valueTargets } from './values';

export interface LifelongConfig {
  name: string;
  options: EditorOptions;
  /** null: no statistics (`no-ln`, `ft`). */
  normalizer: ((dIn: number, dOut: number) => Normalizer) | null;
  /** 'ridge': V = −lr‖k̂‖²ĝ then (KᵀK + λI)⁻¹KᵀV; 'gradient': ΔW = −lr·KᵀG. */
  step: 'ridge' | 'gradient';
  /** Smallest sub-batch the statistics accept (UltraEdit's unbiased batch variance: 2). */
  minBatchRows?: number;
}

interface PlanMemory {
  gradMean: Float64Array;
  sigma: NormalizationPlan['sigma'];
}

const shapeKey = (s: ModuleShape) => `${s.dIn}x${s.dOut}`;
const now = () => performance.now();

export class LifelongEditor implements Editor {
  readonly name: string;
  private turns = 0;
  private readonly stats = new Map<string, Normalizer>();
  // Diagnostics memory: previous ΔW per module, previous plan per shape (saved as EditorState.memory).
  private readonly lastDelta = new Map<string, Float32Array>();
  private readonly lastPlan = new Map<string, PlanMemory>();

  constructor(private readonly cfg: LifelongConfig) {
    this.name = cfg.name;
    const { lr, ridge } = cfg.options;
    if (!Number.isFinite(lr)) throw new InputError(`editor ${cfg.name}`, `lr must be a finite number, got ${lr}`);
    if (cfg.step === 'ridge' && !(Number.isFinite(ridge) && ridge > 0))
      throw new InputError(`editor ${cfg.name}`, `ridge λ must be a finite number > 0, got ${ridge}`);
  }

  get turnIndex(): number {
    return this.turns;
  }

  turn(input: TurnInput): TurnResult {
    const t = this.turns;
    const warmup = !!input.warmup || !!input.statisticsOnly;
    const minRows = this.cfg.minBatchRows ?? 1;
    const modules = validateTurn(input.subBatches, t, () => minRows);
    if (input.loss !== undefined && !Number.isFinite(input.loss)) throw new InputError(`turn ${t}`, `loss is ${input.loss}`);

    const times = new Map<string, { stats: number; whitening: number; solve: number }>();
    for (const m of modules.keys()) times.set(m, { stats: 0, whitening: 0, solve: 0 });

    if (this.cfg.normalizer) {
      for (const caps of input.subBatches)
        for (const c of caps) {
          const t0 = now();
          this.normalizerFor(c).update(c.keys, c.grads, c.rows);
          times.get(c.module)!.stats += now() - t0;
        }
    }

    const plans = new Map<string, NormalizationPlan>();
    const deltas = new Map<string, ModuleDelta>();
    const records: ModuleDiagnostics[] = [];
    for (const [module, shape] of modules) {
      const time = times.get(module)!;
      const key = shapeKey(shape);
      let plan: NormalizationPlan | null = null;
      let drift = { meanDrift: null as number | null, covDrift: null as number | null };
      if (this.cfg.normalizer) {
        plan = plans.get(key) ?? null;
        if (!plan) {
          const t0 = now();
          plan = this.stats.get(key)!.plan({ diagonalOnly: warmup });
          time.whitening += now() - t0;
          plans.set(key, plan);
        }
        drift = this.drift(key, plan);
      }
      const rec: ModuleDiagnostics = {
        module,
        rows: 0,
        deltaNorm: null,
        cosinePrev: null,
        sigma: plan?.sigma?.kind ?? null,
        lambdaMax: plan?.sigma?.spectrum.lambdaMax ?? null,
        conditionNumber: plan?.sigma?.spectrum.conditionNumber ?? null,
        ...drift,
        solve: null,
        timeMs: time,
      };
      const { keys, grads, rows } = stack(input.subBatches, module, shape);
      rec.rows = rows;
      if (!input.statisticsOnly) {
        const t0 = now();
        const { delta, form } = this.step(keys, grads, rows, shape, plan);
        time.solve += now() - t0;
        const d32 = Float32Array.from(delta);
        const prev = this.lastDelta.get(module);
        rec.deltaNorm = frobeniusNorm(d32);
        rec.cosinePrev = prev ? frobeniusCosine(d32, prev) : null;
        rec.solve = form;
        this.lastDelta.set(module, d32);
        deltas.set(module, { dIn: shape.dIn, dOut: shape.dOut, delta: d32 });
      }
      records.push(rec);
    }
    for (const [key, plan] of plans) this.lastPlan.set(key, { gradMean: plan.gradMean, sigma: plan.sigma });
    this.turns++;
    return {
      deltas,
      diagnostics: { turn: t, warmup: !!input.warmup, statisticsOnly: !!input.statisticsOnly, loss: input.loss ?? null, modules: records },
    };
  }

  private normalizerFor(c: ModuleShape): Normalizer {
    const key = shapeKey(c);
    let n = this.stats.get(key);
    if (!n) this.stats.set(key, (n = this.cfg.normalizer!(c.dIn, c.dOut)));
    return n;
  }

  private drift(key: string, plan: NormalizationPlan) {
    const prev = this.lastPlan.get(key);
    if (!prev) return { meanDrift: null, covDrift: null };
    const sameSigma = prev.sigma && plan.sigma && prev.sigma.kind === plan.sigma.kind;
    return {
      meanDrift: frobeniusDistance(plan.gradMean, prev.gradMean),
      covDrift: sameSigma ? frobeniusDistance(plan.sigma!.values, prev.sigma!.values) : null,
    };
  }

  private step(
    keys: Float64Array,
    grads: Float64Array,
    rows: number,
    shape: ModuleShape,
    plan: NormalizationPlan | null,
  ): { delta: Float64Array; form: RidgeForm | 'gradient' } {
    const { dIn, dOut } = shape;
    const { lr, ridge } = this.cfg.options;
    if (this.cfg.step === 'gradient') {
      const delta = matmul(keys, grads, { m: dIn, k: rows, n: dOut, transA: true });
      for (let i = 0; i < delta.length; i++) delta[i] *= -lr;
      return { delta, form: 'gradient' };
    }
    const { kHat, gHat } = plan ? plan.normalize(keys, grads, rows) : { kHat: keys, gHat: grads };
    const v = valueTargets(kHat, gHat, rows, dIn, dOut, lr);
    const s = { rows, dIn, dOut };
    const form = this.cfg.options.solveForm ?? preferredRidgeForm(s);
    return { delta: ridgeSolve(keys, v, s, ridge, form), form };
  }

  saveState(): EditorState {
    const shapes: EditorState['shapes'] = {};
    for (const [key, n] of this.stats) shapes[key] = n.save();
    const memory: NonNullable<EditorState['memory']> = { deltas: Object.fromEntries(this.lastDelta), plans: {} };
    for (const [key, p] of this.lastPlan)
      memory.plans[key] = { gradMean: p.gradMean, sigmaKind: p.sigma?.kind ?? null, sigmaValues: p.sigma?.values ?? null };
    return { editor: this.name, turn: this.turns, shapes, memory };
  }

  loadState(state: EditorState): void {
    if (state.editor !== this.name) throw new InputError('editor state', `was saved by editor "${state.editor}", this is "${this.name}"`);
    if (!Number.isInteger(state.turn) || state.turn < 0)
      throw new InputError('editor state', `turn must be a non-negative integer, got ${state.turn}`);
    const loaded = new Map<string, Normalizer>();
    for (const [key, s] of Object.entries(state.shapes)) {
      const m = /^(\d+)x(\d+)$/.exec(key);
      if (!m || !this.cfg.normalizer)
        throw new InputError(
          `editor state shape "${key}"`,
          this.cfg.normalizer ? 'expected "<dIn>x<dOut>"' : `editor ${this.name} keeps no statistics`,
        );
      const n = this.cfg.normalizer(Number(m[1]), Number(m[2]));
      n.load(s);
      loaded.set(key, n);
    }
    this.stats.clear();
    for (const [k, n] of loaded) this.stats.set(k, n);
    this.turns = state.turn;
    this.lastDelta.clear();
    this.lastPlan.clear();
    for (const [module, d] of Object.entries(state.memory?.deltas ?? {})) this.lastDelta.set(module, d);
    for (const [key, p] of Object.entries(state.memory?.plans ?? {}))
      this.lastPlan.set(key, {
        gradMean: p.gradMean,
        // Drift needs only the kind and the values of the previous Σ, not its spectrum.
        sigma:
          p.sigmaKind && p.sigmaValues
            ? { kind: p.sigmaKind, values: p.sigmaValues, spectrum: { lambdaMax: NaN, lambdaMin: NaN, conditionNumber: NaN } }
            : null,
      });
  }
}

/** The turn's rows of one module, sub-batches concatenated in order, as float64. */
function stack(subBatches: ModuleCapture[][], module: string, shape: ModuleShape) {
  const caps = subBatches.flatMap((sb) => sb.filter((c) => c.module === module));
  const rows = caps.reduce((s, c) => s + c.rows, 0);
  const keys = new Float64Array(rows * shape.dIn);
  const grads = new Float64Array(rows * shape.dOut);
  let r = 0;
  for (const c of caps) {
    keys.set(c.keys, r * shape.dIn);
    grads.set(c.grads, r * shape.dOut);
    r += c.rows;
  }
  return { keys, grads, rows };
}
