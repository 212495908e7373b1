/**
 * What a run reports as it goes, in the worker and in the CLI alike. The UI's charts and the CLI's
 * metrics.jsonl are both built from these records, so one turn means the same thing everywhere.
 */
import type { TurnDiagnostics } from '../editors/editor';
import type { EditRecord } from '../types';
import type { Evaluation, MetricKind, MetricSummary } from '../eval/evaluate';
import type { FluencySummary } from '../eval/fluency';
import type { DriftSummary, HiddenStates } from '../eval/drift';
import type { GeneralSummary } from '../eval/general/general-capability';

/** Which evaluation protocol produced a number (docs/design.md §2: label every number with it). */
export type EvalProtocol =
  /** Each turn's own edits, scored right after that turn's update. */
  | 'immediate'
  /** A seeded sample of all edits so far, scored on the current model (a cheap periodic estimate). */
  | 'sample'
  /** Every edit of the run, scored after the last turn (UltraEdit's protocol). */
  | 'final'
  /** The model before any edit. */
  | 'pre-edit';

export interface MetricsRecord {
  protocol: EvalProtocol;
  /** Target edits applied when measured. */
  edits: number;
  metrics: Partial<Record<MetricKind, MetricSummary>>;
  specificityAgreement?: MetricSummary;
  /** ROME's fluency of continuations of the evaluated records' prompts, when the run takes it. */
  fluency?: FluencySummary;
  /** Final-layer states of the drift prompts against their pre-edit states, when the run takes them. */
  drift?: DriftSummary;
  /** General capability per task (the reference's glue_eval numbers), when the run takes it. */
  general?: GeneralSummary;
}

export interface TurnTimings {
  tokenize: number;
  capture: number;
  editor: number;
  apply: number;
  evaluate: number;
  total: number;
}

export interface TurnRecord {
  /** Position in the whole run, warm-up included. */
  step: number;
  kind: 'warmup' | 'target';
  /** Turn index within its stream. */
  turn: number;
  /** Target edits applied after this turn. */
  edits: number;
  /** Mean capture loss over the turn's sub-batches, before the update. */
  loss: number;
  /** Milliseconds since the run started (wall time axis). */
  wallMs: number;
  timings: TurnTimings;
  diagnostics: TurnDiagnostics;
  /** The immediate protocol's score of this turn's edits, when it was measured. */
  immediate?: MetricsRecord;
}

export type RunEvent =
  | { type: 'started'; steps: number; targetTurns: number; warmupTurns: number; resumedFrom: number | null }
  | { type: 'turn'; record: TurnRecord }
  | { type: 'metrics'; record: MetricsRecord }
  /** The drift prompts' final-layer states: once before editing (edits 0), then with each drift score. */
  | { type: 'states'; edits: number; states: HiddenStates }
  | { type: 'warning'; message: string; step?: number }
  | { type: 'checkpoint'; step: number; bytes: number }
  | { type: 'error'; message: string; where: string; step: number }
  | { type: 'finished'; report: RunReport }
  /**
   * Work that takes a while: before the first turn (MEMIT/AlphaEdit key statistics over a corpus), or
   * an evaluation of more than one chunk ("final evaluation", records; docs/design.md §2), with its
   * estimated seconds left once a chunk has been timed in this process.
   */
  | { type: 'progress'; what: string; done: number; total: number; etaSeconds?: number };

export interface RunReport {
  editor: string;
  targetEdits: number;
  warmupEdits: number;
  preEdit?: MetricsRecord;
  final: MetricsRecord;
  seconds: number;
  turnsPerSecond: number;
  editsPerSecond: number;
}

/**
 * Where a streamed run's per-record scores go (RunInputs.perRecord): each chunk of the pre-edit and
 * final evaluations, its records in order with their scores and generated answers, as it is scored;
 * `done` counts the pass's records scored with this chunk (a resumed final pass starts past 0).
 */
export interface PerRecordSink {
  chunk(protocol: 'pre-edit' | 'final', records: readonly EditRecord[], part: Evaluation, done: number): Promise<void> | void;
}
