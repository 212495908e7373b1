/**
 * The editor turn, written once for both backends (docs/design.md §1 steps 4–5): validate, merge
 * every (sub-batch, module) capture into the statistics of its shape in sub-batch then module order,
 * prepare each shape's normalization once (whitening), step every module, then build the diagnostics
 * and the memory they compare against (previous ΔW per module, previous μ and Σ per shape). Saving and
 * loading the checkpoint record, with its validation, live here too. The arithmetic is the backend's
 * (float64: editors/cpu-backend.ts, WGSL: gpu/editor/gpu-backend.ts); the core is a generator so the
 * float64 editor runs it synchronously and the GPU editor asynchronously (util/maybe-async.ts).
 */
import { rememberDelta } from './delta-memory';
import { frobeniusDistance } from '../linalg/frobenius';
import type { RidgeForm } from '../linalg/ridge';
import type { ModuleCapture } from '../types';
import { InputError } from '../types';
import { wait, type Maybe, type Steps } from '../util/maybe-async';
import type { EditorOptions, EditorState, ModuleDelta, ModuleDiagnostics, StageTimes, TurnInput, TurnResult } from './editor';
import type { NormalizerState, SigmaEstimate } from './normalizers/normalizer';
import { stateArray, stateNumber } from './normalizers/persist';
import { checkOptions, minBatchRows, stateLayout, type EditorSpec } from './spec';
import { validateTurn, type ModuleShape } from './validate';

/** What a shape's normalization used this turn: the centring mean of g and Σ (full or diagonal). */
export interface PlanSummary {
  gradMean: Float64Array;
  sigma: SigmaEstimate | null;
}

export interface BackendTurn {
  /** ΔW [dIn, dOut] per module; none in statistics-only turns. */
  deltas: Map<string, Float32Array>;
  /** Per shape key `${dIn}x${dOut}` prepared this turn. */
  plans: Map<string, PlanSummary>;
  /** Per module stage times the backend measured itself (GPU timestamps); else the core's wall clock. */
  times?: Map<string, StageTimes>;
}

export interface ShapeRecord {
  key: string;
  dIn: number;
  dOut: number;
  /** Checked against stateLayout: every field present with its length. */
  state: NormalizerState;
}

/** Statistics, whitening and solve of one editor spec, in float64 or in WGSL. */
export interface EditorBackend {
  /**
   * Optional: the work recorded from now on belongs to `stage` of `module` (a backend that measures its
   * own stage times, like the GPU one, starts a new timed segment here).
   */
  stage?(module: string, stage: keyof StageTimes): Maybe<void>;
  /** Merges one capture into the statistics of its shape (editors with statistics only). */
  update(capture: ModuleCapture): void;
  /** This turn's normalization of a shape, from its statistics; diagonal only in warm-up. */
  prepare(shape: ModuleShape, diagonalOnly: boolean): Maybe<void>;
  /** ΔW of one module from the turn's captures of it (in sub-batch order) and its shape's plan. */
  step(module: string, shape: ModuleShape, captures: ModuleCapture[]): RidgeForm | 'gradient';
  /** Turn `turn`'s results; the turn's scratch is freed whether it resolves or throws. */
  finish(turn: number): Maybe<BackendTurn>;
  /** Drops whatever a turn that failed before finish left behind. */
  abort(): void;
  /** Statistics per shape key, fields as stateLayout says. */
  save(): Maybe<Record<string, NormalizerState>>;
  /** Replaces all statistics with these (already checked) records. */
  load(shapes: ShapeRecord[]): Maybe<void>;
}

interface PlanMemory {
  gradMean: Float64Array;
  sigmaKind: 'full' | 'diagonal' | null;
  sigmaValues: Float64Array | null;
}

export const shapeKey = (s: ModuleShape) => `${s.dIn}x${s.dOut}`;
const now = () => performance.now();

export class EditorCore {
  private turns = 0;
  private readonly lastDelta = new Map<string, Float32Array>();
  private readonly lastPlan = new Map<string, PlanMemory>();

  constructor(
    readonly spec: EditorSpec,
    readonly options: EditorOptions,
    readonly backend: EditorBackend,
  ) {
    checkOptions(spec, options);
  }

  get turnIndex(): number {
    return this.turns;
  }

  *turn(input: TurnInput): Steps<TurnResult> {
    const t = this.turns;
    const min = minBatchRows(this.spec);
    const modules = validateTurn(input.subBatches, t, () => min);
    if (input.loss !== undefined && !Number.isFinite(input.loss)) throw new InputError(`turn ${t}`, `loss is ${input.loss}`);
    const diagonalOnly = !!input.warmup || !!input.statisticsOnly;
    const times = new Map<string, StageTimes>([...modules.keys()].map((m) => [m, { stats: 0, whitening: 0, solve: 0 }]));
    const b = this.backend;
    let result: BackendTurn;
    try {
      if (this.spec.statistics)
        for (const caps of input.subBatches)
          for (const c of caps) {
            yield* wait(b.stage?.(c.module, 'stats'));
            const t0 = now();
            b.update(c);
            times.get(c.module)!.stats += now() - t0;
          }
      const prepared = new Set<string>();
      const forms = new Map<string, RidgeForm | 'gradient'>();
      for (const [module, shape] of modules) {
        const time = times.get(module)!;
        if (this.spec.statistics && !prepared.has(shapeKey(shape))) {
          prepared.add(shapeKey(shape));
          yield* wait(b.stage?.(module, 'whitening'));
          const t0 = now();
          yield* wait(b.prepare(shape, diagonalOnly));
          time.whitening += now() - t0;
        }
        if (input.statisticsOnly) continue;
        yield* wait(b.stage?.(module, 'solve'));
        const t0 = now();
        const caps = input.subBatches.flatMap((sb) => sb.filter((c) => c.module === module));
        forms.set(module, b.step(module, shape, caps));
        time.solve += now() - t0;
      }
      result = yield* wait(b.finish(t));
      return this.conclude(input, modules, result, forms, times);
    } catch (e) {
      b.abort();
      throw e;
    }
  }

  private conclude(
    input: TurnInput,
    modules: Map<string, ModuleShape>,
    result: BackendTurn,
    forms: Map<string, RidgeForm | 'gradient'>,
    times: Map<string, StageTimes>,
  ): TurnResult {
    const t = this.turns;
    const deltas = new Map<string, ModuleDelta>();
    const records: ModuleDiagnostics[] = [];
    for (const [module, shape] of modules) {
      const plan = result.plans.get(shapeKey(shape)) ?? null;
      const rec: ModuleDiagnostics = {
        module,
        rows: input.subBatches.reduce((s, sb) => s + sb.reduce((r, c) => r + (c.module === module ? c.rows : 0), 0), 0),
        deltaNorm: null,
        cosinePrev: null,
        sigma: plan?.sigma?.kind ?? null,
        lambdaMax: plan?.sigma?.spectrum.lambdaMax ?? null,
        conditionNumber: plan?.sigma?.spectrum.conditionNumber ?? null,
        ...this.drift(shapeKey(shape), plan),
        solve: forms.get(module) ?? null,
        timeMs: result.times?.get(module) ?? times.get(module)!,
      };
      const delta = result.deltas.get(module);
      if (delta) {
        Object.assign(rec, rememberDelta(this.lastDelta, module, delta));
        deltas.set(module, { dIn: shape.dIn, dOut: shape.dOut, delta });
      }
      records.push(rec);
    }
    for (const [key, p] of result.plans)
      this.lastPlan.set(key, { gradMean: p.gradMean, sigmaKind: p.sigma?.kind ?? null, sigmaValues: p.sigma?.values ?? null });
    this.turns++;
    return {
      deltas,
      diagnostics: { turn: t, warmup: !!input.warmup, statisticsOnly: !!input.statisticsOnly, loss: input.loss ?? null, modules: records },
    };
  }

  private drift(key: string, plan: PlanSummary | null): { meanDrift: number | null; covDrift: number | null } {
    const prev = this.lastPlan.get(key);
    if (!plan || !prev) return { meanDrift: null, covDrift: null };
    const sameSigma = prev.sigmaValues && plan.sigma && prev.sigmaKind === plan.sigma.kind;
    return {
      meanDrift: frobeniusDistance(plan.gradMean, prev.gradMean),
      covDrift: sameSigma ? frobeniusDistance(plan.sigma!.values, prev.sigmaValues!) : null,
    };
  }

  *save(): Steps<EditorState> {
    const shapes = yield* wait(this.backend.save());
    const plans: NonNullable<EditorState['memory']>['plans'] = {};
    for (const [key, p] of this.lastPlan) plans[key] = { ...p };
    return { editor: this.spec.name, turn: this.turns, shapes, memory: { deltas: Object.fromEntries(this.lastDelta), plans } };
  }

  /** Everything is checked before anything is replaced: a refused state leaves the editor as it was. */
  *load(state: EditorState): Steps<void> {
    const name = this.spec.name;
    if (state.editor !== name) throw new InputError('editor state', `was saved by editor "${state.editor}", this is "${name}"`);
    if (!Number.isInteger(state.turn) || state.turn < 0)
      throw new InputError('editor state', `turn must be a non-negative integer, got ${state.turn}`);
    const shapes: ShapeRecord[] = Object.entries(state.shapes).map(([key, rec]) => this.checkShape(key, rec));
    const deltas = Object.entries(state.memory?.deltas ?? {});
    for (const [module, d] of deltas)
      if (!(d instanceof Float32Array)) throw new InputError(`editor state previous ΔW of ${module}`, 'expected a Float32Array');
    yield* wait(this.backend.load(shapes));
    this.turns = state.turn;
    this.lastDelta.clear();
    this.lastPlan.clear();
    for (const [module, d] of deltas) this.lastDelta.set(module, d);
    for (const [key, p] of Object.entries(state.memory?.plans ?? {}))
      this.lastPlan.set(key, { gradMean: p.gradMean, sigmaKind: p.sigmaKind, sigmaValues: p.sigmaValues });
  }

  private checkShape(key: string, rec: NormalizerState): ShapeRecord {
    const m = /^(\d+)x(\d+)$/.exec(key);
    if (!m || !this.spec.statistics)
      throw new InputError(
        `editor state shape "${key}"`,
        this.spec.statistics ? 'expected "<dIn>x<dOut>"' : `editor ${this.spec.name} keeps no statistics`,
      );
    const [dIn, dOut] = [Number(m[1]), Number(m[2])];
    const state: NormalizerState = {};
    for (const [field, len] of Object.entries(stateLayout(this.spec, dIn, dOut)))
      state[field] = len === 'number' ? stateNumber(rec, field) : stateArray(rec, field, len);
    return { key, dIn, dOut, state };
  }
}
