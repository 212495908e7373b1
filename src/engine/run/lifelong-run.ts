/**
 * A lifelong editing run (docs/design.md §1): for each scheduled turn, tokenize and group its records,
 * capture keys and value gradients on the current weights, let the editor turn them into ΔW, apply
 * them; score as configured; checkpoint every few steps so a killed run resumes bit-exactly.
 *
 * The run is driven one step at a time (`step()`), so the worker can pause, resume, stop or single-step
 * it and the CLI can loop; everything it reports goes through `emit` as RunEvents.
 */
import type { EditRecord, TextTokenizer } from '../types';
import type { ModelRuntime } from '../runtime/runtime';
import type { AnyEditor, EditorOptions, EditorState } from '../editors/editor';
import { createEditor } from '../editors/registry';
import { LocateEditor, type LocateContext } from '../editors/locate/locate-editor';
import { isLocateEditor, locateSettings } from '../editors/locate/settings';
import { checkSourceSubjects } from '../editors/locate/prompts';
import type { StatsCache } from '../editors/locate/key-stats';
import { buildSubBatches, editPairs } from './batching';
import type { Evaluation, MetricKind, RecordScores } from '../eval/evaluate';
import { evaluateInChunks, type ChunkedProgress } from '../eval/chunked-evaluation';
import type { WildRow } from '../eval/wild';
import { immediateEvaluation } from '../eval/immediate';
import { buildSchedule, type ScheduledTurn } from './schedule';
import { isHypernetEditor, validateRunConfig, type RunConfig } from './config';
import { RLEditEditor } from '../editors/hypernet/rledit-editor';
import type { RLEditNetwork } from '../editors/hypernet/rledit-network';
import type { EvalProtocol, MetricsRecord, RunEvent, RunReport, TurnRecord } from './events';
import type { CheckpointStore } from './checkpoint-store';
import { CheckpointRefused, describeMismatch, openSealedCheckpoint, sealCheckpoint } from './checkpoint-seal';
import { InputError } from '../types';
import { pack, unpack } from '../util/pack';
import { Rng } from '../util/rng';
import { mean } from '../eval/token-accuracy';
import { fluency } from '../eval/fluency';
import { drift, finalStates, type HiddenStates } from '../eval/drift';
import { generalCapability, type GeneralSet } from '../eval/general/general-capability';
import { zeroUpdateWarning } from '../editors/zero-update';
import { asRecordSource, positions, sourceView, type RecordSource } from '../util/record-source';
import { BaselineTable, type PackedBaseline } from './baseline-table';
import type { PerRecordSink } from './events';

export interface RunInputs {
  runtime: ModelRuntime;
  tokenizer: TextTokenizer;
  /** The edit stream: in memory (the page, the tests) or read by position (the CLI's JSON Lines, util/record-source.ts). */
  target: readonly EditRecord[] | RecordSource;
  warmup?: readonly EditRecord[] | RecordSource;
  store?: CheckpointStore;
  /**
   * Where the per-record scores of the pre-edit and final evaluations go, chunk by chunk. Given, the
   * run keeps none of them in memory but the pre-edit locality predictions the agreement metric reads
   * (baseline-table.ts), and preEditScores / finalEditScores / the generated answers are null. Its
   * turn records are only emitted (the caller keeps them on disk), not held in `turns` or the checkpoint.
   */
  perRecord?: PerRecordSink;
  emit?: (e: RunEvent) => void;
  /** Where the editor math runs; default the float64 CPU editors (src/engine/editors/registry.ts). */
  createEditor?: (name: string, options: EditorOptions) => AnyEditor;
  /**
   * What the run belongs to beyond its config: SHA-256 of the model, data and warm-up files, and
   * settings outside RunConfig that change the numbers (shuffle seed…). Saved in the checkpoint and
   * compared on resume.
   */
  fingerprint?: Record<string, string>;
  /**
   * A checkpoint written with other settings or inputs: 'refuse' throws CheckpointRefused saying what
   * differs; 'restart' (default) warns and starts over. A damaged checkpoint is refused either way.
   */
  onMismatch?: 'refuse' | 'restart';
  /** How messages name the checkpoint (default "checkpoint.bin"). */
  checkpointWhere?: string;
  /** MEMIT / AlphaEdit: the texts their key second moment C is taken over, and where C is cached. */
  corpus?: readonly string[];
  statsCache?: StatsCache;
  /** The prompts representation drift follows (default: a seeded draw of the stream's prompts); the first driftSize are used. */
  driftPrompts?: readonly string[];
  /** General-capability sets (data/general-sets.ts, or the demo's); each scored on a seeded draw of generalSize examples. */
  general?: readonly GeneralSet[];
  /** RLEdit: the trained network (editors/hypernet/network-file.ts), for the same modules in the same order. */
  hypernet?: RLEditNetwork;
}

interface Checkpoint {
  version: 1 | 2;
  config: RunConfig;
  /** Since version 2. */
  fingerprint?: Record<string, string>;
  nextStep: number;
  editor: EditorState;
  /** Current weights of the edited modules (bit-exact resume; deltas = these − pre-edit weights). */
  weights: Record<string, Float32Array>;
  turns: TurnRecord[];
  /** Turns run so far (a streamed run's checkpoint holds none of their records); absent: turns.length. */
  turnCount?: number;
  metrics: MetricsRecord[];
  baseline: [string, { tokenAccuracy: number; exact: boolean; predicted: number[] }][] | null;
  /** A run with RunInputs.perRecord: the pre-edit locality predictions only. */
  baselineTable?: PackedBaseline;
  elapsedMs: number;
  /** The drift prompts' pre-edit states (runs with driftSize). */
  driftPre?: HiddenStates;
  /**
   * A final evaluation under way (nextStep is then the schedule's end): where it stands, and its
   * per-record scores and generated answers so far.
   */
  finalPass?: {
    progress: ChunkedProgress;
    scores: [string, { tokenAccuracy: number; exact: boolean; predicted: number[] }][];
    generated?: [string, WildRow][];
  };
}

/** Records per chunk of the pre-edit, sampled and final evaluations when RunConfig.evalChunk is unset. */
export const DEFAULT_EVAL_CHUNK = 1000;

/** Examples per general set when RunConfig.generalSize is unset: the reference's number_of_tests. */
export const DEFAULT_GENERAL_SIZE = 100;

const CHECKPOINT = 'checkpoint.bin';

export class LifelongRun {
  readonly schedule: ScheduledTurn[];
  /** The turn records so far (none in a streamed run: RunInputs.perRecord). */
  readonly turns: TurnRecord[] = [];
  private turnCount = 0;
  readonly metrics: MetricsRecord[] = [];
  /** The capture-based editor (editor core), or null for a locate-then-edit one. */
  private editor: AnyEditor | null = null;
  /** MEMIT / AlphaEdit, which edit from the records themselves and apply their own ΔW. */
  private locate: LocateEditor | null = null;
  private next = 0;
  private baseline: RecordScores | null = null;
  private baselineTable: BaselineTable | null = null;
  private readonly target: RecordSource;
  private readonly warmup: RecordSource | null;
  private elapsedBefore = 0;
  private t0 = performance.now();
  private failed: string | null = null;
  private checkpointStep: number | null = null;
  /** The final evaluation's state: from a checkpoint, then as it goes (saved with each checkpoint). */
  private finalPass: { progress: ChunkedProgress; scores: RecordScores; generated?: Map<string, WildRow> } | null = null;
  private readonly largeUpdateWarned = new Set<string>();
  private zeroUpdateWarned = false;

  private constructor(
    readonly config: RunConfig,
    private readonly io: RunInputs,
  ) {
    this.target = asRecordSource(io.target);
    this.warmup = io.warmup ? asRecordSource(io.warmup) : null;
    const bad = validateRunConfig(config, { targetRecords: io.target.length, warmupRecords: io.warmup?.length ?? 0 });
    const keys = Object.keys(bad);
    if (keys.length) throw new InputError('run settings', keys.map((k) => `${k} ${bad[k]}`).join('; '));
    const setKeys = new Map<string, string>();
    for (const g of io.general ?? []) {
      if (setKeys.has(g.key))
        throw new InputError('general sets', `${g.source} and ${setKeys.get(g.key)} both hold ${g.key}; give each task once`);
      setKeys.set(g.key, g.source);
    }
    const known = new Set(io.runtime.modules.map((m) => m.name));
    for (const m of config.modules) if (!known.has(m)) throw new InputError('run settings', `the model has no editable module "${m}"`);
    this.schedule = buildSchedule({
      targetRecords: io.target.length,
      nEdits: config.nEdits,
      turns: config.turns,
      warmupRecords: io.warmup?.length ?? 0,
      warmupTurns: config.warmupTurns,
      placement: config.warmupPlacement,
    });
    if (isLocateEditor(config.editor))
      this.locate = new LocateEditor(config.editor, locateSettings(config.editor, config.locate), config.modules);
    else if (isHypernetEditor(config.editor)) {
      const net = io.hypernet;
      if (!net)
        throw new InputError('run settings', `editor ${config.editor} needs its trained network (train-editor, then run --hypernet DIR)`);
      if (net.settings.editor !== config.editor)
        throw new InputError('run settings', `the network is ${net.settings.editor}'s, not ${config.editor}'s`);
      const trained = net.modules.map((m) => m.name).join(',');
      if (trained !== config.modules.join(','))
        throw new InputError('run settings', `the ${config.editor} network was trained for ${trained}, not ${config.modules.join(',')}`);
      this.editor = new RLEditEditor(net);
    } else this.editor = (io.createEditor ?? createEditor)(config.editor, { lr: config.lr, ridge: config.ridge, niw: config.niw });
  }

  private get locateContext(): LocateContext {
    const { runtime, tokenizer, corpus, statsCache, emit } = this.io;
    return {
      runtime,
      tokenizer,
      corpus,
      statsCache,
      onProgress: (what, done, total) => emit?.({ type: 'progress', what, done, total }),
    };
  }

  /** The editor's checkpoint record, whichever kind it is. */
  private async editorState(): Promise<EditorState> {
    return this.locate ? this.locate.saveState() : await this.editor!.saveState();
  }

  /** Start a run, or resume it from the store's checkpoint when one exists for the same settings. */
  static async open(config: RunConfig, io: RunInputs): Promise<LifelongRun> {
    const run = new LifelongRun(config, io);
    // Before any work, in memory or streamed alike (a streamed source is read in chunks).
    for (const t of run.subjectSpans()) await checkSourceSubjects(t.records, t.start, t.end, t.where);
    // Before a resume loads edited weights: C, P and the context templates come from the unedited model.
    await run.locate?.prepare(run.locateContext);
    const resumed = io.store ? await run.tryResume(io.store) : false;
    const targetTurns = run.schedule.filter((t) => t.kind === 'target').length;
    run.emitEvent({
      type: 'started',
      steps: run.schedule.length,
      targetTurns,
      warmupTurns: run.schedule.length - targetTurns,
      resumedFrom: resumed ? run.next : null,
    });
    // a resumed run's pre-edit states come from its checkpoint; the page's map needs them again
    if (resumed && run.driftPre) run.emitEvent({ type: 'states', edits: 0, states: run.driftPre });
    if (!resumed && (config.driftSize ?? 0) > 0) run.driftPre = await finalStates(io.runtime, io.tokenizer, await run.driftPrompts());
    if (!resumed && config.finalEval) await run.measurePreEdit();
    // Sent after the pre-edit scoring: the page fits its drift map on these, on its main thread, and
    // would otherwise hold back the scoring's progress line while it does.
    if (!resumed && run.driftPre) run.emitEvent({ type: 'states', edits: 0, states: run.driftPre });
    return run;
  }

  /**
   * What MEMIT / AlphaEdit must find a subject in before any work (docs/design.md §7): the records of
   * each stream the schedule edits (a statistics-only warm-up edits none), as one span per stream.
   */
  private subjectSpans(): { records: RecordSource; start: number; end: number; where: string }[] {
    if (!isLocateEditor(this.config.editor)) return [];
    const spans = [];
    for (const kind of ['target', 'warmup'] as const) {
      if (kind === 'warmup' && this.config.warmupStatisticsOnly) continue;
      let [start, end] = [Infinity, -Infinity]; // the turns of one stream are consecutive ranges of it
      for (const t of this.schedule) if (t.kind === kind) [start, end] = [Math.min(start, t.start), Math.max(end, t.end)];
      if (end < start) continue;
      const records = kind === 'warmup' ? this.warmup! : this.target;
      spans.push({ records, start, end, where: kind === 'warmup' ? 'the warm-up stream' : 'the edit stream' });
    }
    return spans;
  }

  get done(): boolean {
    return this.next >= this.schedule.length || this.failed !== null;
  }
  get stepIndex(): number {
    return this.next;
  }
  /** Turn records emitted so far, a resumed run's earlier ones included (held in `turns` unless streamed). */
  get turnsDone(): number {
    return this.turnCount;
  }
  get error(): string | null {
    return this.failed;
  }
  /**
   * Per-record scores of the model before the first turn (over every record the run will edit) and
   * after the last (every edit): what a per-edit export needs, kept so it is not scored twice. null
   * when the run's protocols do not take them (finalEval off) or before they are taken.
   */
  get preEditScores(): RecordScores | null {
    return this.baseline;
  }
  get finalEditScores(): RecordScores | null {
    return this.finalScores;
  }
  private finalScores: RecordScores | null = null;
  private driftPre: HiddenStates | null = null;

  /** The prompts drift follows: the given ones, or a seeded draw of the stream's, driftSize of them. */
  private async driftPrompts(): Promise<string[]> {
    const n = this.config.driftSize ?? 0;
    if (this.io.driftPrompts) return this.io.driftPrompts.slice(0, n);
    const drawn = new Rng(this.config.seed * 7_919 + 2).shuffle(positions(this.target.length)).slice(0, n);
    return (await this.target.at(drawn)).map((r) => r.prompt);
  }

  /** Pre-edit scores for the agreement metric on these records, as the run keeps them. */
  private baselineFor(records: readonly EditRecord[]): RecordScores | undefined {
    return this.baselineTable ? this.baselineTable.scoresFor(records) : (this.baseline ?? undefined);
  }
  /** Each general set's seeded draw of generalSize examples, the same at every evaluation of the run. */
  private generalSets(): GeneralSet[] {
    const size = this.config.generalSize ?? DEFAULT_GENERAL_SIZE;
    this.generalDraw ??= (this.io.general ?? []).map((set, i) => ({
      ...set,
      examples: new Rng(this.config.seed * 7_919 + 3 + i).shuffle([...set.examples]).slice(0, size),
    }));
    return this.generalDraw;
  }
  private generalDraw: GeneralSet[] | null = null;
  /** WILD's answers before the first turn and after the last, when the run generates them. */
  get preEditGenerated(): Map<string, WildRow> | null {
    return this.preGenerated;
  }
  get finalGenerated(): Map<string, WildRow> | null {
    return this.finalGen;
  }
  private preGenerated: Map<string, WildRow> | null = null;
  private finalGen: Map<string, WildRow> | null = null;

  /** The step the store's checkpoint resumes at (saved or resumed from in this process), or null when none was. */
  get lastCheckpoint(): number | null {
    return this.checkpointStep;
  }
  /** Records of the final evaluation scored in an earlier process (resumed from the checkpoint), or null. */
  get finalEvaluationResumedAt(): number | null {
    return this.finalPass?.progress.done ?? null;
  }
  get editsApplied(): number {
    return this.schedule.slice(0, this.next).filter((t) => t.kind === 'target').length * this.config.nEdits;
  }

  /** Run the next scheduled turn. A bad turn (NaN gradients…) stops the run and changes nothing. */
  async step(): Promise<TurnRecord | null> {
    if (this.done) return null;
    const s = this.schedule[this.next];
    const warm = s.kind === 'warmup';
    const records = await (warm ? this.warmup! : this.target).range(s.start, s.end);
    const { runtime, tokenizer } = this.io;
    const clock = stopwatch();

    const subBatches = buildSubBatches(tokenizer, editPairs(records), { subBatch: this.config.subBatch });
    const tokenize = clock();
    const immediate = !warm && this.config.immediateEval;
    const captures = [];
    const allTokens = this.editor?.captureAllTokens === true;
    for (const sb of subBatches) captures.push(await runtime.capture(sb, this.config.modules, { residual: immediate, allTokens }));
    const capture = clock();
    const loss = mean(captures.map((c) => c.loss));

    let result;
    try {
      if (!Number.isFinite(loss)) throw new Error(`the capture loss is ${loss}`);
      const statisticsOnly = warm && this.config.warmupStatisticsOnly;
      result = this.locate
        ? await this.locate.turn({ records, warmup: warm, statisticsOnly, loss }, this.locateContext)
        : await this.editor!.turn({ subBatches: captures.map((c) => c.modules), warmup: warm, statisticsOnly, loss });
    } catch (e) {
      const where = `step ${s.step} (${s.kind} turn ${s.turn}, records ${records[0]?.index}–${records.at(-1)?.index})`;
      this.failed = `${where}: ${(e as Error).message}`;
      this.emitEvent({ type: 'error', message: (e as Error).message, where, step: s.step });
      return null;
    }
    const editor = clock();
    await this.warnLargeUpdates(result.deltas, s);
    if (!this.zeroUpdateWarned && !(warm && this.config.warmupStatisticsOnly) && !this.locate) {
      const zero = zeroUpdateWarning(result.deltas, `step ${s.step} (${s.kind} turn ${s.turn})`, this.config);
      if (zero) {
        this.zeroUpdateWarned = true;
        this.emitEvent({ type: 'warning', message: `${zero} (not repeated)` });
      }
    }
    // A locate-then-edit editor has applied its ΔW layer by layer already.
    if (!this.locate) for (const [module, d] of result.deltas) await runtime.applyDelta(module, d.delta);
    const apply = clock();

    this.next++;
    const record: TurnRecord = {
      step: s.step,
      kind: s.kind,
      turn: s.turn,
      edits: this.editsApplied,
      loss,
      wallMs: this.elapsedMs(),
      timings: { tokenize, capture, editor, apply, evaluate: 0, total: 0 },
      diagnostics: result.diagnostics,
    };
    if (immediate)
      record.immediate = this.record(
        'immediate',
        await immediateEvaluation(runtime, tokenizer, records, { subBatches, captures }, this.baselineFor(records)),
      );
    const isLastTarget = !warm && this.schedule.slice(this.next).every((t) => t.kind !== 'target');
    record.timings.evaluate = clock();
    record.timings.total = tokenize + capture + editor + apply + record.timings.evaluate;
    if (!this.io.perRecord) this.turns.push(record);
    this.turnCount++;
    this.emitEvent({ type: 'turn', record });

    if (!warm && this.config.sampleEvery > 0 && (s.turn + 1) % this.config.sampleEvery === 0 && !isLastTarget) {
      const every = this.config.generalEvery ?? this.config.sampleEvery;
      await this.score('sample', await this.sampleEdited(), undefined, every > 0 && (s.turn + 1) % every === 0);
    }
    if (this.io.store && this.config.checkpointEvery > 0 && this.next % this.config.checkpointEvery === 0 && !this.done)
      await this.saveCheckpoint(this.io.store);
    return record;
  }

  /**
   * Score every edit (UltraEdit's protocol) and report; the checkpoint is removed once done, unless
   * `keepCheckpoint` (the CLI removes it itself once its outputs are on disk).
   */
  async finish(opts: { keepCheckpoint?: boolean } = {}): Promise<RunReport> {
    if (this.failed) throw new Error(this.failed);
    if (!this.done) throw new Error(`the run is at step ${this.next} of ${this.schedule.length}`);
    const edited = this.editedRecords();
    const final = this.config.finalEval
      ? await this.score('final', edited, undefined)
      : (this.metrics.at(-1) ?? emptyMetrics('final', edited.length));
    const seconds = this.elapsedMs() / 1000;
    const targetTurns = this.schedule.filter((t) => t.kind === 'target').length;
    const report: RunReport = {
      editor: this.config.editor,
      targetEdits: edited.length,
      warmupEdits: (this.schedule.length - targetTurns) * this.config.nEdits,
      preEdit: this.metrics.find((m) => m.protocol === 'pre-edit'),
      final,
      seconds,
      turnsPerSecond: this.schedule.length / seconds,
      editsPerSecond: (this.schedule.length * this.config.nEdits) / seconds,
    };
    this.emitEvent({ type: 'finished', report });
    if (!opts.keepCheckpoint) await this.removeCheckpoint();
    return report;
  }

  /** A warning about the run from whoever drives it (the controller), as the run's own warnings go. */
  warn(message: string): void {
    this.emitEvent({ type: 'warning', message });
  }

  async removeCheckpoint(): Promise<void> {
    await this.io.store?.remove(CHECKPOINT);
  }

  async saveCheckpoint(store: CheckpointStore): Promise<void> {
    const weights: Record<string, Float32Array> = {};
    for (const m of this.io.runtime.modules.filter((m) => this.config.modules.includes(m.name)))
      weights[m.weight] = (await this.io.runtime.weight(m.weight)).data;
    const ckpt: Checkpoint = {
      version: 2,
      config: this.config,
      fingerprint: this.io.fingerprint,
      nextStep: this.next,
      editor: await this.editorState(),
      weights,
      turns: this.turns,
      turnCount: this.turnCount,
      metrics: this.metrics,
      baseline: this.baseline ? [...this.baseline.entries()] : null,
      ...(this.baselineTable ? { baselineTable: this.baselineTable.packed() } : {}),
      elapsedMs: this.elapsedMs(),
      ...(this.driftPre ? { driftPre: this.driftPre } : {}),
    };
    if (this.finalPass) {
      const { progress, scores, generated } = this.finalPass;
      ckpt.finalPass = { progress, scores: [...scores.entries()], ...(generated ? { generated: [...generated.entries()] } : {}) };
    }
    const bytes = await sealCheckpoint(pack(ckpt));
    await store.write(CHECKPOINT, bytes);
    this.checkpointStep = this.next;
    this.emitEvent({ type: 'checkpoint', step: this.next, bytes: bytes.length });
  }

  private async tryResume(store: CheckpointStore): Promise<boolean> {
    const bytes = await store.read(CHECKPOINT);
    if (!bytes) return false;
    const where = this.io.checkpointWhere ?? CHECKPOINT;
    const { payload } = await openSealedCheckpoint(bytes, where);
    let ckpt: Checkpoint;
    try {
      ckpt = unpack<Checkpoint>(payload, where);
    } catch (e) {
      throw new CheckpointRefused(where, 'damaged', `is damaged (${(e as Error).message.replace(`${where}: `, '')})`);
    }
    const differs = describeMismatch(ckpt, { config: this.config, fingerprint: this.io.fingerprint });
    if (differs.length) {
      if (this.io.onMismatch === 'refuse')
        throw new CheckpointRefused(where, 'mismatch', `belongs to another run; what differs: ${differs.join('; ')}`);
      this.emitEvent({ type: 'warning', message: 'a checkpoint with other settings was found and ignored; this run starts over' });
      return false;
    }
    if (!(Number.isInteger(ckpt.nextStep) && ckpt.nextStep >= 0 && ckpt.nextStep <= this.schedule.length))
      throw new CheckpointRefused(where, 'damaged', `is damaged (it resumes at step ${ckpt.nextStep} of ${this.schedule.length})`);
    for (const [name, data] of Object.entries(ckpt.weights)) await this.io.runtime.setWeight(name, data);
    if (this.locate) this.locate.loadState(ckpt.editor);
    else await this.editor!.loadState(ckpt.editor);
    this.next = ckpt.nextStep;
    if (!this.io.perRecord) this.turns.push(...ckpt.turns);
    this.turnCount = ckpt.turnCount ?? ckpt.turns.length;
    this.metrics.push(...ckpt.metrics);
    this.baseline = ckpt.baseline ? new Map(ckpt.baseline) : null;
    if (ckpt.baselineTable) this.baselineTable = new BaselineTable(ckpt.baselineTable);
    else if (this.io.perRecord && this.baseline) {
      // a checkpoint written before the run streamed its scores: keep what agreement needs of it
      this.baselineTable = new BaselineTable();
      this.baselineTable.add(this.baseline);
    }
    if (this.io.perRecord) this.baseline = null;
    this.driftPre = ckpt.driftPre ?? null;
    this.elapsedBefore = ckpt.elapsedMs;
    this.checkpointStep = this.next;
    if (ckpt.finalPass) {
      if (this.next !== this.schedule.length || !(ckpt.finalPass.progress.done <= this.editsApplied))
        throw new CheckpointRefused(
          where,
          'damaged',
          `is damaged (its final evaluation is at record ${ckpt.finalPass.progress.done} of ${this.editsApplied})`,
        );
      const { progress, scores, generated } = ckpt.finalPass;
      this.finalPass = { progress, scores: new Map(scores), ...(generated ? { generated: new Map(generated) } : {}) };
    }
    return true;
  }

  /**
   * An update larger than the weight it changes (‖ΔW‖_F > ‖W‖_F) is almost always a learning rate
   * far too high; say so once per module rather than let the weights blow up silently.
   */
  private async warnLargeUpdates(deltas: Map<string, { delta: Float32Array }>, s: ScheduledTurn) {
    const pending = [...deltas.keys()].filter((m) => !this.largeUpdateWarned.has(m));
    if (pending.length === 0) return;
    for (const module of pending) {
      const m = this.io.runtime.modules.find((x) => x.name === module);
      if (!m) continue;
      const w = await this.io.runtime.weight(m.weight);
      const dn = frobenius(deltas.get(module)!.delta);
      const wn = frobenius(w.data);
      if (!(dn > wn)) continue;
      this.largeUpdateWarned.add(module);
      this.emitEvent({
        type: 'warning',
        message: `step ${s.step} (${s.kind} turn ${s.turn}), module ${module}: the update's norm ${dn.toPrecision(3)} exceeds the weight's own ${wn.toPrecision(3)}; the learning rate is probably too high (not repeated for this module)`,
      });
    }
  }

  private async measurePreEdit() {
    await this.score('pre-edit', this.runTargetRecords(), undefined);
  }

  /**
   * Score `records` chunk by chunk (eval/chunked-evaluation.ts), reporting progress when there is more
   * than one chunk. The final evaluation also checkpoints after each chunk but the last, so a kill
   * during it resumes at the chunk it reached (docs/design.md §2).
   */
  private async score(
    protocol: EvalProtocol,
    records: readonly EditRecord[] | RecordSource,
    kinds: readonly MetricKind[] | undefined,
    withGeneral = protocol !== 'sample',
  ): Promise<MetricsRecord> {
    const chunk = this.config.evalChunk ?? DEFAULT_EVAL_CHUNK;
    // The two whole-stream scorings take long enough (18 s on the demo's CPU backend) to need a progress line.
    const what =
      protocol === 'pre-edit'
        ? 'scoring the model before editing'
        : protocol === 'final'
          ? 'scoring every edit after the last turn'
          : 'scoring a sample of the edits';
    const final = protocol === 'final';
    // Streamed (RunInputs.perRecord): the whole-stream passes' per-record scores go to the sink, not into memory.
    const sink = protocol !== 'sample' ? this.io.perRecord : undefined;
    const table = this.baselineTable;
    const baseline =
      protocol === 'pre-edit' ? undefined : table ? (part: readonly EditRecord[]) => table.scoresFor(part) : (this.baseline ?? undefined);
    if (sink && protocol === 'pre-edit') this.baselineTable = new BaselineTable();
    const resume = final ? this.finalPass : null;
    const scores: RecordScores = new Map(resume?.scores);
    const generated = new Map<string, WildRow>(resume?.generated);
    const wild = this.config.wildEval === true;
    // One chunk: progress by prompts within it (none for a sample); more: by records, a line per chunk with ETA.
    const chunked = records.length > chunk;
    const started = { ms: performance.now(), done: resume?.progress.done ?? 0 };
    if (chunked) this.emitEvent({ type: 'progress', what: `${what} (records)`, done: started.done, total: records.length });
    const ev = await evaluateInChunks(this.io.runtime, this.io.tokenizer, records, {
      kinds,
      chunk,
      from: resume?.progress,
      baseline,
      wild,
      ...(!chunked && protocol !== 'sample'
        ? { onProgress: (done: number, total: number) => this.emitEvent({ type: 'progress', what: `${what} (prompts)`, done, total }) }
        : {}),
      onChunk: async (progress, part, partRecords) => {
        if (sink) {
          if (protocol === 'pre-edit') this.baselineTable!.add(part.scores);
          await sink.chunk(protocol as 'pre-edit' | 'final', partRecords, part, progress.done);
        } else {
          for (const [k, v] of part.scores) scores.set(k, v);
          for (const [k, v] of part.generated ?? []) generated.set(k, v);
        }
        if (chunked) {
          const perRecord = (performance.now() - started.ms) / 1000 / (progress.done - started.done);
          const etaSeconds = perRecord * (records.length - progress.done);
          this.emitEvent({ type: 'progress', what: `${what} (records)`, done: progress.done, total: records.length, etaSeconds });
        }
        if (!final || progress.done >= records.length || !this.io.store || this.config.checkpointEvery === 0) return;
        this.finalPass = { progress, scores, generated: wild ? generated : undefined };
        await this.saveCheckpoint(this.io.store);
      },
    });
    if (protocol === 'pre-edit' && !sink) this.baseline = scores;
    if (final) {
      this.finalScores = sink ? null : scores;
      this.finalGen = wild && !sink ? generated : null;
      this.finalPass = null;
    }
    if (protocol === 'pre-edit') this.preGenerated = wild && !sink ? generated : null;
    const record = this.record(protocol, { ...ev, scores });
    if (this.driftPre) {
      const now =
        protocol === 'pre-edit' ? this.driftPre : await finalStates(this.io.runtime, this.io.tokenizer, await this.driftPrompts());
      record.drift = drift(this.driftPre, now);
      if (protocol !== 'pre-edit') this.emitEvent({ type: 'states', edits: this.editsApplied, states: now });
    }
    const general = this.generalSets();
    if (withGeneral && general.length) record.general = await generalCapability(this.io.runtime, this.io.tokenizer, general);
    const n = this.config.fluencySize ?? 0;
    if (n > 0) {
      // The sample is already a seeded draw; the final and pre-edit sets are drawn here, the same for both.
      const source = asRecordSource(records);
      const chosen =
        protocol === 'sample'
          ? await source.range(0, n)
          : await source.at(new Rng(this.config.seed * 7_919 + 1).shuffle(positions(source.length)).slice(0, n));
      record.fluency = await fluency(
        this.io.runtime,
        this.io.tokenizer,
        chosen.map((r) => r.prompt),
        this.config.seed * 1_000_003 + this.next,
      );
    }
    this.metrics.push(record);
    this.emitEvent({ type: 'metrics', record });
    return record;
  }

  private record(protocol: EvalProtocol, ev: Evaluation): MetricsRecord {
    const record: MetricsRecord = { protocol, edits: this.editsApplied, metrics: ev.metrics };
    if (ev.specificityAgreement) record.specificityAgreement = ev.specificityAgreement;
    return record;
  }

  private runTargetRecords(): RecordSource {
    const last = this.schedule.filter((t) => t.kind === 'target').at(-1);
    return sourceView(this.target, 0, last ? last.end : 0);
  }

  private editedRecords(): RecordSource {
    return sourceView(this.target, 0, this.editsApplied);
  }

  /** A seeded sample of the edits so far: the same run and step always score the same records. */
  private async sampleEdited(): Promise<EditRecord[]> {
    const drawn = new Rng(this.config.seed * 1_000_003 + this.next).shuffle(positions(this.editsApplied)).slice(0, this.config.sampleSize);
    return this.target.at(drawn);
  }

  private elapsedMs() {
    return this.elapsedBefore + performance.now() - this.t0;
  }

  private emitEvent(e: RunEvent) {
    this.io.emit?.(e);
  }
}

function frobenius(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s);
}

function emptyMetrics(protocol: EvalProtocol, edits: number): MetricsRecord {
  return { protocol, edits, metrics: {} };
}

/** Each call returns the milliseconds since the previous call. */
function stopwatch(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const d = now - last;
    last = now;
    return d;
  };
}
