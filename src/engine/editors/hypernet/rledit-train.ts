/**
 * RLEdit's meta-training (docs/design.md §8), the reference's `RLEDIT.train` of editor/rledit.py,
 * over a training split cut into turns of `nEdits` records: each epoch is one sequential trajectory
 * on the model, each turn one step of it.
 *
 * A step t: capture the turn's edits on the current weights, merge them into the normalizers and
 * predict every module's ΔW_t (rledit-turn.ts); with ΔW_t applied, the gradient with respect to the
 * edited weights of
 *
 *   Σ_{j < min(back_depth, t+1)} time_decayʲ · ( CE(rephrases of turn t−j)
 *                                              + loc_coef · KL(p_before ‖ p_after) on its locality prompts )
 *   + reg_coef·‖ΔW_t‖²
 *
 * where p_before is the model before ΔW_t (the earlier edits kept), read on the runtime
 * (graph/models/meta.ts); then back through the solve and the network (rledit-edit.ts) into the
 * accumulated gradient, which is clipped to max_grad_norm after every step (clip_grad_norm_ on the
 * accumulation, as the reference), and ΔW_t stays applied. Adam steps once at the end of the
 * trajectory (the reference; `updateEvery` > 0 steps every that many turns instead), and the model is
 * reset to its loaded weights for the next epoch, whose order is a fresh seeded shuffle.
 *
 * MEND and MALMEN train as the reference's BaseEditor.train (editor/base.py) instead: back_depth 1,
 * no L2 term, ΔW_t removed again after the step (every step edits the unedited model), and Adam every
 * step on the step's clipped gradient. MALMEN's backward is its second stage (malmen-edit.ts): the
 * solve's backward for the whole batch, then the network re-run and back-propagated chunk by chunk.
 *
 * Everything the next step depends on is in `save()` (network, normalizers, accumulated gradient,
 * Adam's moments, the edited weights, the order), so a resumed training reproduces the same bits.
 */
import type { ModelRuntime } from '../../runtime/runtime';
import { InputError, type EditRecord, type TextTokenizer } from '../../types';
import { buildSubBatches, editPairs, type LabeledSubBatch, type ScoringPair } from '../../run/batching';
import { pairFor } from '../../eval/evaluate';
import { frobeniusNorm } from '../../linalg/frobenius';
import { adamStep } from '../../util/adam';
import { Rng } from '../../util/rng';
import { shiftBackward, type RLEditPrediction } from './rledit-edit';
import { mendBackward, type MendPrediction } from './mend-edit';
import { malmenBackward, type MalmenPrediction } from './malmen-edit';
import { addInto, paramArrays, zerosLike, type RLEditParams } from './rledit-net';
import { clipGradNorm } from './clip-grad';
import { createNetwork, type RLEditNetwork } from './rledit-network';
import { mergeCaptures, predictTurn } from './rledit-turn';
import type { RLEditSettings } from './rledit-settings';

export interface TrainerInputs {
  runtime: ModelRuntime;
  tokenizer: TextTokenizer;
  /** The training split. */
  records: readonly EditRecord[];
  modules: readonly string[];
  nEdits: number;
  subBatch: number;
  /** Turns per epoch (the reference's num_seq); default every whole turn of the split. */
  turns?: number;
}

export interface StepLog {
  step: number;
  epoch: number;
  turn: number;
  /** Mean capture loss of the turn's edits before ΔW_t. */
  editLoss: number;
  /** Mean over the steps back of their rephrase CE after ΔW_t (the reference's gen_loss). */
  genLoss: number;
  /** Mean over the steps back of loc_coef·KL (the reference's loc_loss). */
  locLoss: number;
  regLoss: number;
  /** ‖accumulated gradient‖ before clipping, and whether this step ended with an Adam step. */
  gradNorm: number;
  updated: boolean;
  shiftNorm: Record<string, number>;
  lr: Record<string, number>;
  lambda: Record<string, number>;
  /** Milliseconds of the step, and of them the network's own math (forward, solve, backward, clip, Adam). */
  ms: number;
  networkMs: number;
}

export interface TrainerCheckpoint {
  version: 1;
  settings: RLEditSettings;
  modules: string[];
  nEdits: number;
  subBatch: number;
  turnsPerEpoch: number;
  epoch: number;
  turn: number;
  order: number[];
  params: Record<string, RLEditParams>;
  norms: Record<string, { n: number; mean: Float64Array; m2: Float64Array }>;
  grads: Record<string, RLEditParams>;
  adam: { t: number; m: Record<string, RLEditParams>; v: Record<string, RLEditParams> };
  /** Current weights of the edited modules. */
  weights: Record<string, Float32Array>;
  logs: StepLog[];
  elapsedMs: number;
}

/** A turn's three sets of sub-batches. */
interface TurnBatches {
  edits: LabeledSubBatch[];
  rephrases: LabeledSubBatch[];
  locality: LabeledSubBatch[];
}

export class RLEditTrainer {
  readonly net: RLEditNetwork;
  readonly turnsPerEpoch: number;
  readonly logs: StepLog[] = [];
  private grads: Record<string, RLEditParams>;
  private adam: { t: number; m: Record<string, RLEditParams>; v: Record<string, RLEditParams> };
  private epoch = 0;
  private turn = 0;
  private order: number[];
  private elapsedBefore = 0;
  private readonly t0 = performance.now();
  private readonly batches = new Map<number, TurnBatches>();

  constructor(
    readonly settings: RLEditSettings,
    private readonly io: TrainerInputs,
  ) {
    const mods = io.modules.map((name) => {
      const m = io.runtime.modules.find((x) => x.name === name);
      if (!m) throw new InputError('modules', `the model has no editable module "${name}"`);
      return m;
    });
    if (!(Number.isInteger(io.nEdits) && io.nEdits >= 1)) throw new InputError('n-edits', `must be a positive integer, got ${io.nEdits}`);
    if (!(Number.isInteger(io.subBatch) && io.subBatch >= 1))
      throw new InputError('sub-batch', `must be a positive integer, got ${io.subBatch}`);
    for (const r of io.records)
      for (const kind of ['generalization', 'specificity'] as const)
        if (!pairFor(kind, r))
          throw new InputError(
            `training record ${r.index}`,
            `has no ${kind === 'generalization' ? 'rephrase' : 'locality prompt and answer'}: meta-training needs both`,
          );
    const whole = Math.floor(io.records.length / io.nEdits);
    if (whole === 0) throw new InputError('training data', `${io.records.length} records make no turn of ${io.nEdits}`);
    if (io.turns !== undefined && !(Number.isInteger(io.turns) && io.turns >= 1 && io.turns <= whole))
      throw new InputError(
        'turns',
        `must be an integer in [1, ${whole}] (${io.records.length} records, ${io.nEdits} a turn), got ${io.turns}`,
      );
    this.turnsPerEpoch = io.turns ?? whole;
    this.net = createNetwork(mods, settings);
    this.grads = this.zeros();
    this.adam = { t: 0, m: this.zeros(), v: this.zeros() };
    this.order = this.shuffled(0);
  }

  get done(): boolean {
    return this.epoch >= this.settings.epochs;
  }
  get totalSteps(): number {
    return this.settings.epochs * this.turnsPerEpoch;
  }
  get stepIndex(): number {
    return this.epoch * this.turnsPerEpoch + this.turn;
  }

  async step(): Promise<StepLog | null> {
    if (this.done) return null;
    const t0 = performance.now();
    const { runtime } = this.io;
    const s = this.settings;
    const modules = this.net.modules.map((m) => m.name);
    const current = this.turnBatches(this.turn);
    const captures = [];
    // RLEdit and MALMEN read the answer tokens (token: ans), MEND every token (token: all).
    const sequential = s.editor === 'rledit';
    for (const sb of current.edits) captures.push(await runtime.capture(sb, modules, { allTokens: s.editor === 'mend' }));
    const editLoss = captures.reduce((a, c) => a + c.loss, 0) / captures.length;
    if (!Number.isFinite(editLoss)) throw new Error(`epoch ${this.epoch}, turn ${this.turn}: the capture loss is ${editLoss}`);
    const subBatches = captures.map((c) => c.modules);
    let tn = performance.now();
    mergeCaptures(this.net, subBatches);
    const predicted = predictTurn(this.net, subBatches);
    let networkMs = performance.now() - tn;

    const byName = new Map(runtime.modules.map((m) => [m.name, m]));
    const before = new Map<string, Float32Array>();
    for (const p of predicted) before.set(p.module, Float32Array.from((await runtime.weight(byName.get(p.module)!.weight)).data));
    const setWeights = async (w: Map<string, Float32Array>) => {
      for (const [module, data] of w) await runtime.setWeight(byName.get(module)!.weight, data);
    };
    for (const p of predicted) await runtime.applyDelta(p.module, Float32Array.from(p.prediction.shift));
    const after = new Map<string, Float32Array>();
    for (const p of predicted) after.set(p.module, Float32Array.from((await runtime.weight(byName.get(p.module)!.weight)).data));

    const gradW = new Map(predicted.map((p) => [p.module, new Float64Array(p.prediction.shift.length)]));
    const accumulate = (grads: Map<string, Float64Array>, w: number) => {
      for (const [module, g] of grads) addInto(gradW.get(module)!, g, w);
    };
    const depth = Math.min(s.backDepth, this.turn + 1);
    const genLosses: number[] = [];
    for (let j = 0; j < depth; j++) {
      let loss = 0;
      for (const sb of this.turnBatches(this.turn - j).rephrases) {
        const r = await runtime.lossGradient(sb, modules);
        loss += r.loss;
        accumulate(r.grads, s.timeDecay ** j);
      }
      genLosses.push(loss);
    }
    // p_before on the weights without ΔW_t, then the KL and its gradient with it.
    await setWeights(before);
    const refs: Float32Array[][] = [];
    for (let j = 0; j < depth; j++) {
      const row = [];
      for (const sb of this.turnBatches(this.turn - j).locality) row.push(await runtime.labelLogprobs(sb));
      refs.push(row);
    }
    await setWeights(after);
    const locLosses: number[] = [];
    for (let j = 0; j < depth; j++) {
      let loss = 0;
      const sbs = this.turnBatches(this.turn - j).locality;
      for (let b = 0; b < sbs.length; b++) {
        const r = await runtime.lossGradient(sbs[b], modules, refs[j][b]);
        loss += s.locCoef * r.loss;
        accumulate(r.grads, s.timeDecay ** j * s.locCoef);
      }
      locLosses.push(loss);
    }
    // MEND and MALMEN train one edit at a time on the unedited model (BaseEditor.train): ΔW_t is removed again.
    if (!sequential) await setWeights(before);
    let regLoss = 0;
    for (const p of predicted) {
      regLoss += s.regCoef * frobeniusNorm(p.prediction.shift) ** 2;
      addInto(gradW.get(p.module)!, p.prediction.shift, 2 * s.regCoef);
    }

    tn = performance.now();
    for (const p of predicted) {
      const m = this.net.modules.find((x) => x.name === p.module)!;
      const sn = this.net.shapes[m.shape];
      const g = gradW.get(p.module)!;
      const into = this.grads[m.shape];
      if (s.editor === 'malmen') malmenBackward(sn.params, sn.shape, sn.norm, p.prediction as MalmenPrediction, p.keys, p.grads, g, into);
      else if (s.editor === 'mend') mendBackward(sn.params, sn.shape, p.prediction as MendPrediction, g, into);
      else shiftBackward(sn.params, sn.shape, p.prediction as RLEditPrediction, p.keys, g, into);
    }
    const gradNorm = this.clip();

    const last = this.turn === this.turnsPerEpoch - 1;
    const updated = s.updateEvery > 0 ? (this.turn + 1) % s.updateEvery === 0 || last : last;
    const log: StepLog = {
      step: this.stepIndex,
      epoch: this.epoch,
      turn: this.turn,
      editLoss,
      genLoss: mean(genLosses),
      locLoss: mean(locLosses),
      regLoss,
      gradNorm,
      updated,
      shiftNorm: Object.fromEntries(predicted.map((p) => [p.module, frobeniusNorm(p.prediction.shift)])),
      lr: {},
      lambda: {},
      ms: 0,
      networkMs: 0,
    };
    if (updated) this.optimizerStep();
    networkMs += performance.now() - tn;
    for (const m of this.net.modules) {
      log.lr[m.name] = this.net.shapes[m.shape].params.lr[m.index];
      log.lambda[m.name] = this.net.shapes[m.shape].params.lamda[m.index];
    }
    this.turn++;
    if (this.turn === this.turnsPerEpoch) {
      this.epoch++;
      this.turn = 0;
      this.batches.clear();
      this.order = this.shuffled(this.epoch);
      await runtime.resetWeights();
    }
    log.ms = performance.now() - t0;
    log.networkMs = networkMs;
    this.logs.push(log);
    return log;
  }

  get elapsedMs(): number {
    return this.elapsedBefore + performance.now() - this.t0;
  }

  async save(): Promise<TrainerCheckpoint> {
    const weights: Record<string, Float32Array> = {};
    for (const m of this.io.runtime.modules.filter((x) => this.io.modules.includes(x.name)))
      weights[m.weight] = Float32Array.from((await this.io.runtime.weight(m.weight)).data);
    const shapes = Object.entries(this.net.shapes);
    return {
      version: 1,
      settings: this.settings,
      modules: [...this.io.modules],
      nEdits: this.io.nEdits,
      subBatch: this.io.subBatch,
      turnsPerEpoch: this.turnsPerEpoch,
      epoch: this.epoch,
      turn: this.turn,
      order: [...this.order],
      params: Object.fromEntries(shapes.map(([k, s]) => [k, s.params])),
      norms: Object.fromEntries(shapes.map(([k, s]) => [k, s.norm])),
      grads: this.grads,
      adam: this.adam,
      weights,
      logs: this.logs,
      elapsedMs: this.elapsedMs,
    };
  }

  /** Resume from save(): the caller has checked the checkpoint belongs to these settings and inputs. */
  async load(c: TrainerCheckpoint): Promise<void> {
    for (const [k, s] of Object.entries(this.net.shapes)) {
      if (!c.params[k] || !c.norms[k] || !c.grads[k] || !c.adam.m[k] || !c.adam.v[k])
        throw new InputError('training checkpoint', `has no network of shape ${k}`);
      const want = paramArrays(s.params).map(([n, x]) => `${n}:${x.length}`);
      for (const p of [c.params[k], c.grads[k], c.adam.m[k], c.adam.v[k]])
        if (
          paramArrays(p)
            .map(([n, x]) => `${n}:${x.length}`)
            .join() !== want.join()
        )
          throw new InputError('training checkpoint', `holds a network of shape ${k} with other tensors`);
    }
    for (const [k, s] of Object.entries(this.net.shapes)) {
      s.params = c.params[k];
      s.norm = { n: c.norms[k].n, mean: c.norms[k].mean, m2: c.norms[k].m2 };
    }
    this.grads = c.grads;
    this.adam = c.adam;
    this.epoch = c.epoch;
    this.turn = c.turn;
    this.order = c.order;
    this.batches.clear();
    for (const [name, data] of Object.entries(c.weights)) await this.io.runtime.setWeight(name, data);
    this.logs.length = 0;
    this.logs.push(...c.logs);
    this.elapsedBefore = c.elapsedMs;
  }

  private zeros(): Record<string, RLEditParams> {
    return Object.fromEntries(Object.entries(this.net.shapes).map(([k, s]) => [k, zerosLike(s.params)]));
  }

  private clip(): number {
    return clipGradNorm(this.grads, this.settings.maxGradNorm);
  }

  private optimizerStep(): void {
    this.adam.t++;
    for (const [k, s] of Object.entries(this.net.shapes)) {
      const p = paramArrays(s.params);
      const g = paramArrays(this.grads[k]);
      const m = paramArrays(this.adam.m[k]);
      const v = paramArrays(this.adam.v[k]);
      p.forEach(([, x], i) => adamStep(x, g[i][1], m[i][1], v[i][1], this.adam.t, this.settings.metaLr));
    }
    this.grads = this.zeros();
  }

  private shuffled(epoch: number): number[] {
    const idx = this.io.records.map((_, i) => i);
    return new Rng(this.settings.seed * 1_000_003 + epoch + 1).shuffle(idx);
  }

  /** The sub-batches of turn t of this epoch (tokenized once per epoch). */
  private turnBatches(t: number): TurnBatches {
    let b = this.batches.get(t);
    if (b) return b;
    const recs = this.order.slice(t * this.io.nEdits, (t + 1) * this.io.nEdits).map((i) => this.io.records[i]);
    const cut = (pairs: ScoringPair[]) => buildSubBatches(this.io.tokenizer, pairs, { subBatch: this.io.subBatch });
    b = {
      edits: cut(editPairs(recs)),
      rephrases: cut(recs.map((r) => pairFor('generalization', r)!)),
      locality: cut(recs.map((r) => pairFor('specificity', r)!)),
    };
    this.batches.set(t, b);
    return b;
  }
}

function mean(x: number[]): number {
  return x.reduce((a, b) => a + b, 0) / x.length;
}
