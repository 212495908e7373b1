/**
 * RLEdit, MEND or MALMEN (the network's settings.editor) as a lifelong editor of the run loop
 * (docs/design.md §8): a trained network, fixed, turns each turn's captures into ΔW (rledit-turn.ts);
 * its normalizers keep merging every captured batch, as the reference's sequential_valid does (cache
 * in "inference" mode). A warm-up turn edits the same
 * way; a statistics-only one only merges. The checkpoint holds the normalizers and the memory the
 * diagnostics compare against; the network itself is the run's `--hypernet` input.
 */
import { rememberDelta } from '../delta-memory';
import { InputError } from '../../types';
import type { Editor, EditorState, ModuleDelta, ModuleDiagnostics, TurnInput, TurnResult } from '../editor';
import { validateTurn } from '../validate';
import { blockProducts } from './rledit-net';
import { cloneMoments, type RLEditNetwork } from './rledit-network';
import { checkCaptures, mergeCaptures, predictTurn } from './rledit-turn';

export class RLEditEditor implements Editor {
  readonly name: string;
  readonly captureAllTokens: boolean;
  private turns = 0;
  private readonly net: RLEditNetwork;
  private readonly lastDelta = new Map<string, Float32Array>();
  /** A·B of every block where that is the cheaper forward (rledit-net.ts blockProducts). */
  private readonly products: Record<string, Float64Array[]> = {};

  constructor(network: RLEditNetwork) {
    this.name = network.settings.editor;
    // MEND's config captures at every token (token: all), RLEdit's and MALMEN's at the answer tokens (token: ans).
    this.captureAllTokens = network.settings.editor === 'mend';
    // The normalizers move during the run; the network the caller holds does not.
    const shapes = Object.fromEntries(Object.entries(network.shapes).map(([k, s]) => [k, { ...s, norm: cloneMoments(s.norm) }]));
    this.net = { ...network, shapes };
    for (const [k, sn] of Object.entries(shapes))
      if (2 * sn.shape.rank > sn.shape.dIn + sn.shape.dOut) this.products[k] = blockProducts(sn.params, sn.shape);
  }

  get turnIndex(): number {
    return this.turns;
  }

  turn(input: TurnInput): TurnResult {
    const t = this.turns;
    const modules = validateTurn(input.subBatches, t, () => 1);
    checkCaptures(this.net, input.subBatches, t);
    const t0 = performance.now();
    mergeCaptures(this.net, input.subBatches);
    const stats = performance.now() - t0;
    const deltas = new Map<string, ModuleDelta>();
    const records: ModuleDiagnostics[] = [];
    const predicted = input.statisticsOnly ? [] : predictTurn(this.net, input.subBatches, this.products);
    const solveMs = (performance.now() - t0 - stats) / Math.max(1, predicted.length);
    for (const [module] of modules) {
      const p = predicted.find((x) => x.module === module);
      const rows = input.subBatches.reduce((s, sb) => s + sb.reduce((r, c) => r + (c.module === module ? c.rows : 0), 0), 0);
      const rec: ModuleDiagnostics = {
        module,
        rows,
        deltaNorm: null,
        cosinePrev: null,
        sigma: null,
        lambdaMax: null,
        conditionNumber: null,
        meanDrift: null,
        covDrift: null,
        solve: p ? ('form' in p.prediction ? p.prediction.form : 'gradient') : null,
        timeMs: { stats: stats / modules.size, whitening: 0, solve: p ? solveMs : 0 },
      };
      if (p) {
        const m = this.net.modules.find((x) => x.name === module)!;
        const delta = Float32Array.from(p.prediction.shift);
        Object.assign(rec, rememberDelta(this.lastDelta, module, delta));
        deltas.set(module, { dIn: m.dIn, dOut: m.dOut, delta });
      }
      records.push(rec);
    }
    this.turns++;
    return {
      deltas,
      diagnostics: { turn: t, warmup: !!input.warmup, statisticsOnly: !!input.statisticsOnly, loss: input.loss ?? null, modules: records },
    };
  }

  saveState(): EditorState {
    const shapes: EditorState['shapes'] = {};
    for (const [k, s] of Object.entries(this.net.shapes))
      shapes[k] = { n: s.norm.n, mean: Float64Array.from(s.norm.mean), m2: Float64Array.from(s.norm.m2) };
    return { editor: this.name, turn: this.turns, shapes, memory: { deltas: Object.fromEntries(this.lastDelta), plans: {} } };
  }

  loadState(state: EditorState): void {
    if (state.editor !== this.name) throw new InputError('editor state', `was saved by editor "${state.editor}", this is "${this.name}"`);
    for (const [k, s] of Object.entries(this.net.shapes)) {
      const got = state.shapes[k];
      const d = s.shape.dIn + s.shape.dOut;
      if (
        !got ||
        typeof got.n !== 'number' ||
        !(got.mean instanceof Float64Array) ||
        got.mean.length !== d ||
        !(got.m2 instanceof Float64Array) ||
        got.m2.length !== d
      )
        throw new InputError('editor state', `has no normalizer of ${d} dimensions for shape ${k}`);
    }
    for (const [k, s] of Object.entries(this.net.shapes)) {
      const got = state.shapes[k];
      s.norm = { n: got.n as number, mean: Float64Array.from(got.mean as Float64Array), m2: Float64Array.from(got.m2 as Float64Array) };
    }
    this.lastDelta.clear();
    for (const [m, d] of Object.entries(state.memory?.deltas ?? {})) this.lastDelta.set(m, d);
    this.turns = state.turn;
  }
}
