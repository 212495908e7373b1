/** A run as the lab keeps it: what it was asked to do, and everything it has reported so far. */
import type { HiddenStates } from '../../engine/eval/drift';
import type { MetricsRecord, RunReport, TurnRecord } from '../../engine/run/events';

/** See status.ts for the state machine. */
export type RunStatus = 'starting' | 'running' | 'paused' | 'stopped' | 'finished' | 'failed' | 'interrupted';

export interface LabRun {
  id: string;
  label: string;
  /** The settings the run was started with (opaque here; the settings form owns its shape). */
  config: unknown;
  status: RunStatus;
  /** Epoch ms. */
  createdAt: number;
  /** From the `started` event. */
  plan?: { steps: number; targetTurns: number; warmupTurns: number; resumedFrom: number | null };
  /**
   * Append-only and shared between successive LabRun objects of the same run: the store pushes into
   * them instead of copying thousands of records per event. `version` is the change signal — memoize
   * on it, never on the array's identity.
   */
  turns: TurnRecord[];
  metrics: MetricsRecord[];
  report?: RunReport;
  warnings: { message: string; step?: number }[];
  error?: { message: string; where: string; step: number };
  lastCheckpoint?: { step: number; bytes: number };
  /** A long preparation step in progress (MEMIT/AlphaEdit's pass over a corpus), from `progress` events; cleared by the next turn. */
  activity?: { what: string; done: number; total: number; etaSeconds?: number };
  /** The drift prompts' final-layer states (`states` events): before editing, and the latest. */
  driftStates?: { pre: HiddenStates; now?: HiddenStates; edits: number };
  /**
   * Its place in the palette (charts/palette.ts), given when the run joins the list and kept for its
   * lifetime (saved with it), so removing another run never repaints it.
   */
  colorSlot?: number;
  /**
   * The most turns the page has shown for this run: a run reopened from an earlier checkpoint runs
   * the turns after it again, and the progress counter stays here meanwhile instead of stepping back.
   */
  seenTurns?: number;
  /** Bumped once per applied batch of events. */
  version: number;
}
