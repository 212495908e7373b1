/**
 * The float64 backend: statistics in the normalizers (normalizers/*.ts), whitening from the exact
 * eigendecomposition, the ridge solve in float64 (linalg/ridge.ts). The reference every other backend
 * is held to; CpuEditor is the synchronous editor the registry builds from a spec.
 */
import { matmul } from '../linalg/matmul';
import { preferredRidgeForm, ridgeSolve, type RidgeForm } from '../linalg/ridge';
import type { ModuleCapture } from '../types';
import { runSync } from '../util/maybe-async';
import { EditorCore, shapeKey, type BackendTurn, type EditorBackend, type ShapeRecord } from './core';
import type { Editor, EditorOptions, EditorState, TurnInput, TurnResult } from './editor';
import { DiagonalNormalizer } from './normalizers/diagonal';
import { NiwNormalizer } from './normalizers/niw';
import type { NormalizationPlan, Normalizer, NormalizerState } from './normalizers/normalizer';
import { StableEditNormalizer } from './normalizers/stableedit';
import type { EditorSpec } from './spec';
import type { ModuleShape } from './validate';
import { valueTargets } from './values';

function normalizerOf(spec: EditorSpec, options: EditorOptions, dIn: number, dOut: number): Normalizer {
  const s = spec.statistics!;
  if (s.covariance === 'diagonal') return new DiagonalNormalizer(dIn, dOut, s.variance);
  if (s.covariance === 'scatter') return new StableEditNormalizer(dIn, dOut, s.variance);
  return new NiwNormalizer(dIn, dOut, options.niw, s.variance);
}

export class Float64Backend implements EditorBackend {
  private readonly stats = new Map<string, Normalizer>();
  private plans = new Map<string, NormalizationPlan>();
  private deltas = new Map<string, Float32Array>();

  constructor(
    private readonly spec: EditorSpec,
    private readonly options: EditorOptions,
  ) {}

  update(c: ModuleCapture): void {
    const key = shapeKey(c);
    let n = this.stats.get(key);
    if (!n) this.stats.set(key, (n = normalizerOf(this.spec, this.options, c.dIn, c.dOut)));
    n.update(c.keys, c.grads, c.rows);
  }

  prepare(shape: ModuleShape, diagonalOnly: boolean): void {
    this.plans.set(shapeKey(shape), this.stats.get(shapeKey(shape))!.plan({ diagonalOnly }));
  }

  step(module: string, shape: ModuleShape, captures: ModuleCapture[]): RidgeForm | 'gradient' {
    const { dIn, dOut } = shape;
    const { keys, grads, rows } = stack(captures, shape);
    const { lr, ridge } = this.options;
    let delta: Float64Array;
    let form: RidgeForm | 'gradient';
    if (this.spec.step === 'gradient') {
      delta = matmul(keys, grads, { m: dIn, k: rows, n: dOut, transA: true });
      for (let i = 0; i < delta.length; i++) delta[i] *= -lr;
      form = 'gradient';
    } else {
      const plan = this.plans.get(shapeKey(shape));
      const { kHat, gHat } = plan ? plan.normalize(keys, grads, rows) : { kHat: keys, gHat: grads };
      const v = valueTargets(kHat, gHat, rows, dIn, dOut, lr);
      const s = { rows, dIn, dOut };
      form = this.options.solveForm ?? preferredRidgeForm(s);
      delta = ridgeSolve(keys, v, s, ridge, form);
    }
    this.deltas.set(module, Float32Array.from(delta));
    return form;
  }

  finish(): BackendTurn {
    const plans = new Map([...this.plans].map(([key, p]) => [key, { gradMean: p.gradMean, sigma: p.sigma }]));
    const out = { deltas: this.deltas, plans };
    this.abort();
    return out;
  }

  abort(): void {
    this.plans = new Map();
    this.deltas = new Map();
  }

  save(): Record<string, NormalizerState> {
    return Object.fromEntries([...this.stats].map(([key, n]) => [key, n.save()]));
  }

  load(shapes: ShapeRecord[]): void {
    const loaded = shapes.map((s) => {
      const n = normalizerOf(this.spec, this.options, s.dIn, s.dOut);
      n.load(s.state);
      return [s.key, n] as const;
    });
    this.stats.clear();
    for (const [k, n] of loaded) this.stats.set(k, n);
  }
}

/** The turn's rows of one module, sub-batches concatenated in order, as float64. */
export function stack(captures: readonly ModuleCapture[], shape: Pick<ModuleShape, 'dIn' | 'dOut'>) {
  const rows = captures.reduce((s, c) => s + c.rows, 0);
  const keys = new Float64Array(rows * shape.dIn);
  const grads = new Float64Array(rows * shape.dOut);
  let r = 0;
  for (const c of captures) {
    keys.set(c.keys, r * shape.dIn);
    grads.set(c.grads, r * shape.dOut);
    r += c.rows;
  }
  return { keys, grads, rows };
}

/** The float64 editor of a spec: the shared core on the float64 backend, synchronous. */
export class CpuEditor implements Editor {
  private readonly core: EditorCore;

  constructor(spec: EditorSpec, options: EditorOptions) {
    this.core = new EditorCore(spec, options, new Float64Backend(spec, options));
  }

  get name(): string {
    return this.core.spec.name;
  }

  get turnIndex(): number {
    return this.core.turnIndex;
  }

  turn(input: TurnInput): TurnResult {
    return runSync(this.core.turn(input), `editor ${this.name}`);
  }

  saveState(): EditorState {
    return runSync(this.core.save(), `editor ${this.name}`);
  }

  loadState(state: EditorState): void {
    runSync(this.core.load(state), `editor ${this.name}`);
  }
}
