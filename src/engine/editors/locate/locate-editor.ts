/**
 * MEMIT and AlphaEdit as lifelong editors (docs/design.md §7). A turn edits a batch of records the
 * way memit_main.py / AlphaEdit_main.py edit a batch of requests:
 *
 * 1. a target z* per record at the last edited layer (compute-z.ts);
 * 2. for each edited layer in ascending order, on the weights as the earlier layers left them: keys
 *    K at the subject's last token averaged over the context templates (compute_ks.py: the mean over
 *    each template group, then over groups), the current z at the bare prompt, the residual
 *    R = (z* − z)/(layers left), then ΔW (closed-forms.ts) applied at once;
 * 3. AlphaEdit only: the keys of every layer recomputed on the edited model and added to its
 *    running KᵀK (`cache_c`).
 *
 * C (each module's key second moment over a corpus) and AlphaEdit's projector P are taken once from
 * the model before any edit, as the reference does (its COV_CACHE / null_space_project.pt); the
 * context templates too. The editor applies its own ΔW (the next layer's keys must see them); the
 * run loop only records them. Stays on the CPU: its arithmetic is a d_in×d_in solve per layer per
 * turn in float64, while its cost is the model passes of the target optimization, which already run
 * on the model's runtime (docs/design.md §7).
 */
import { rememberDelta } from '../delta-memory';
import type { ModelRuntime } from '../../runtime/runtime';
import { InputError, type EditRecord, type TextTokenizer } from '../../types';
import type { EditorState, ModuleDelta, ModuleDiagnostics, TurnResult } from '../editor';
import { accumulateKeys, alphaEditDelta, memitDelta, nullSpaceProjector } from './closed-forms';
import { computeTarget, type EditRequest } from './compute-z';
import { keySecondMoments, type StatsCache } from './key-stats';
import { contextTemplates, fill, subjectLastIndex, subjectTemplate } from './prompts';
import { rowsBatch } from '../../run/batching';
import type { LocateEditorName, LocateSettings } from './settings';

export interface LocateContext {
  runtime: ModelRuntime;
  tokenizer: TextTokenizer;
  /** Texts the key second moment is taken over. */
  corpus?: readonly string[];
  statsCache?: StatsCache;
  onProgress?: (what: string, done: number, total: number) => void;
}

export interface LocateTurnInput {
  records: readonly EditRecord[];
  warmup?: boolean;
  statisticsOnly?: boolean;
  loss?: number;
}

interface Layer {
  module: string;
  layer: number;
  dIn: number;
  dOut: number;
  cov: Float64Array;
  projector: Float64Array | null;
  nullRank: number | null;
  /** AlphaEdit's Σ KᵀK over the edits so far. */
  previous: Float64Array | null;
}

const LOOKUP_ROWS = 32;

export class LocateEditor {
  private turns = 0;
  private layers: Layer[] = [];
  private templates: string[][] = [];
  private readonly lastDelta = new Map<string, Float32Array>();

  constructor(
    readonly name: LocateEditorName,
    readonly settings: LocateSettings,
    private readonly modules: readonly string[],
  ) {}

  get turnIndex(): number {
    return this.turns;
  }

  /** Null-space dimension per module (AlphaEdit), for the run's log. */
  get nullSpace(): Record<string, number> {
    return Object.fromEntries(this.layers.filter((l) => l.nullRank !== null).map((l) => [l.module, l.nullRank!]));
  }

  /** Context templates, C and P from the model as it is now: call before any edit (and before a resume loads edited weights). */
  async prepare(ctx: LocateContext): Promise<void> {
    const { runtime } = ctx;
    const mods = this.modules.map((name) => {
      const m = runtime.modules.find((x) => x.name === name);
      if (!m) throw new InputError('run settings', `the model has no editable module "${name}"`);
      return m;
    });
    mods.sort((a, b) => a.layer - b.layer);
    for (let i = 1; i < mods.length; i++)
      if (mods[i].layer === mods[i - 1].layer)
        throw new InputError(`editor ${this.name}`, `edits one module per layer; layer ${mods[i].layer} is given twice`);
    for (const m of mods)
      if (m.dOut !== runtime.spec.hidden)
        throw new InputError(
          `editor ${this.name}`,
          `module ${m.name} writes ${m.dOut} values, not the residual stream's ${runtime.spec.hidden}`,
        );
    if (!ctx.corpus?.length)
      throw new InputError(
        `editor ${this.name}`,
        'needs a text corpus for the key statistics C (the demo uses its own training corpus; elsewhere give one)',
      );
    this.templates = await contextTemplates(runtime, ctx.tokenizer, this.settings.templateSeed);
    const covs = await keySecondMoments(
      runtime,
      ctx.tokenizer,
      ctx.corpus,
      mods.map((m) => m.name),
      {
        samples: this.settings.mom2Samples,
        cache: ctx.statsCache,
        onProgress: (done, total) => ctx.onProgress?.('key statistics', done, total),
      },
    );
    this.layers = mods.map((m) => {
      const cov = covs.get(m.name)!;
      const alpha = this.name === 'alphaedit';
      const p = alpha ? nullSpaceProjector(cov, m.dIn, this.settings.nullspaceThreshold) : null;
      return {
        module: m.name,
        layer: m.layer,
        dIn: m.dIn,
        dOut: m.dOut,
        cov,
        projector: p?.projector ?? null,
        nullRank: p?.rank ?? null,
        previous: alpha ? new Float64Array(m.dIn * m.dIn) : null,
      };
    });
  }

  async turn(input: LocateTurnInput, ctx: LocateContext): Promise<TurnResult> {
    if (this.layers.length === 0) throw new Error(`editor ${this.name}: prepare() was not called`);
    const t = this.turns;
    const { runtime, tokenizer: tok } = ctx;
    const s = this.settings;
    const records: ModuleDiagnostics[] = [];
    const deltas = new Map<string, ModuleDelta>();
    if (!input.statisticsOnly) {
      const requests: EditRequest[] = input.records.map((r) => ({ ...subjectTemplate(r), index: r.index, answer: r.answer }));
      const zLayer = this.layers.at(-1)!.layer;
      const t0 = performance.now();
      const zs: Float64Array[] = [];
      for (const req of requests) zs.push((await computeTarget(runtime, tok, req, this.templates, zLayer, s)).target);
      const targetMs = performance.now() - t0;
      const H = runtime.spec.hidden;
      const N = requests.length;
      // A turn that fails after some layer was written leaves the weights as they were (docs/design.md §7).
      const before: (readonly [string, Float32Array])[] = [];
      for (const l of this.layers) {
        const name = runtime.modules.find((m) => m.name === l.module)!.weight;
        before.push([name, Float32Array.from((await runtime.weight(name)).data)]);
      }
      try {
        for (const [i, l] of this.layers.entries()) {
          const t1 = performance.now();
          const { keys, bare } = await this.keysAt(ctx, requests, l, zLayer);
          const resid = new Float64Array(N * H);
          for (let r = 0; r < N; r++)
            for (let c = 0; c < H; c++) resid[r * H + c] = (zs[r][c] - bare[r * H + c]) / (this.layers.length - i);
          const t2 = performance.now();
          const rows = { keys, resid, rows: N, dIn: l.dIn, dOut: l.dOut };
          const d64 = l.projector ? alphaEditDelta(rows, l.projector, l.previous!, s.l2) : memitDelta(rows, l.cov, s.mom2Weight);
          const delta = Float32Array.from(d64);
          if (!delta.every(Number.isFinite)) throw new Error(`turn ${t}, module ${l.module}: the update has non-finite values`);
          await runtime.applyDelta(l.module, delta);
          deltas.set(l.module, { dIn: l.dIn, dOut: l.dOut, delta });
          records.push({
            module: l.module,
            rows: N,
            ...rememberDelta(this.lastDelta, l.module, delta),
            sigma: null,
            lambdaMax: null,
            conditionNumber: null,
            meanDrift: null,
            covDrift: null,
            solve: null,
            // "stats" holds the target optimization (charged to the first layer) and the key passes.
            timeMs: { stats: (i === 0 ? targetMs : 0) + (t2 - t1), whitening: 0, solve: performance.now() - t2 },
          });
        }
      } catch (e) {
        for (const [name, data] of before) await runtime.setWeight(name, data);
        throw e;
      }
      if (this.layers[0].previous) {
        const keys: Float64Array[] = [];
        for (const l of this.layers) keys.push((await this.keysAt(ctx, requests, l, zLayer)).keys);
        this.layers.forEach((l, i) => accumulateKeys(l.previous!, keys[i], N, l.dIn));
      }
    }
    this.turns++;
    return {
      deltas,
      diagnostics: { turn: t, warmup: !!input.warmup, statisticsOnly: !!input.statisticsOnly, loss: input.loss ?? null, modules: records },
    };
  }

  /**
   * compute_ks: the module's input at the subject's last token of every context template around
   * each prompt, averaged per template group then over groups ([N, dIn]); and the block output of
   * the last edited layer at the bare prompt (the "{}" template), [N, H].
   */
  private async keysAt(ctx: LocateContext, requests: readonly EditRequest[], l: Layer, zLayer: number) {
    const { runtime, tokenizer: tok } = ctx;
    const flat = this.templates.flat();
    const groups = this.templates.map((g) => g.length);
    const H = runtime.spec.hidden;
    const rows = requests.flatMap((req) =>
      flat.map((c) => {
        const template = fill(c, req.template);
        return { ids: tok.encode(fill(template, req.subject), true), at: subjectLastIndex(tok, template, req.subject), index: req.index };
      }),
    );
    const keysAll = new Float64Array(rows.length * l.dIn);
    const blocks = new Float64Array(rows.length * H);
    for (let s = 0; s < rows.length; s += LOOKUP_ROWS) {
      const chunk = rows.slice(s, s + LOOKUP_ROWS);
      const sb = rowsBatch(
        chunk,
        chunk.map((r) => r.index),
      );
      const positions = Int32Array.from(chunk, (r, b) => b * sb.seqLen + r.at);
      const out = await runtime.lookup(sb, positions, [l.module], [zLayer]);
      keysAll.set(out.keys.get(l.module)!, s * l.dIn);
      blocks.set(out.blocks.get(zLayer)!, s * H);
    }
    const N = requests.length;
    const keys = new Float64Array(N * l.dIn);
    const bare = new Float64Array(N * H);
    for (let r = 0; r < N; r++) {
      const base = r * flat.length;
      bare.set(blocks.subarray(base * H, (base + 1) * H), r * H);
      let off = base;
      for (const n of groups) {
        for (let j = 0; j < n; j++)
          for (let c = 0; c < l.dIn; c++) keys[r * l.dIn + c] += keysAll[(off + j) * l.dIn + c] / n / groups.length;
        off += n;
      }
    }
    return { keys, bare };
  }

  saveState(): EditorState {
    const shapes: EditorState['shapes'] = {};
    for (const l of this.layers) if (l.previous) shapes[l.module] = { previous: Float64Array.from(l.previous) };
    return { editor: this.name, turn: this.turns, shapes, memory: { deltas: Object.fromEntries(this.lastDelta), plans: {} } };
  }

  /** After prepare(): the turn count, AlphaEdit's accumulated keys and the previous ΔW per module. */
  loadState(state: EditorState): void {
    if (state.editor !== this.name) throw new InputError('editor state', `was saved by editor "${state.editor}", this is "${this.name}"`);
    if (!Number.isInteger(state.turn) || state.turn < 0)
      throw new InputError('editor state', `turn must be a non-negative integer, got ${state.turn}`);
    const previous = new Map<string, Float64Array>();
    for (const l of this.layers) {
      if (!l.previous) continue;
      const p = state.shapes[l.module]?.previous;
      if (!(p instanceof Float64Array) || p.length !== l.dIn * l.dIn)
        throw new InputError('editor state', `the accumulated keys of ${l.module} are missing or not ${l.dIn}×${l.dIn}`);
      previous.set(l.module, p);
    }
    for (const l of this.layers) if (l.previous) l.previous.set(previous.get(l.module)!);
    this.turns = state.turn;
    this.lastDelta.clear();
    for (const [m, d] of Object.entries(state.memory?.deltas ?? {})) if (d instanceof Float32Array) this.lastDelta.set(m, d);
  }
}
