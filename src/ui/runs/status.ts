/**
 * The one run state machine of the page. Every place that shows a run's state — the progress line,
 * the run list, the toolbar, a restored run after a reload — reads `status` from the runs store
 * through these functions, so they cannot disagree.
 *
 *   starting ──▶ running ⇄ paused ──▶ finished
 *      │            │         │
 *      ✕            ▼         ▼
 *  (removed)     stopped / failed        (reload while starting/running/paused) ──▶ interrupted
 *
 * A start the worker refuses removes the run (nothing was written); the worker's `run/state`
 * events move a run between the other states. `stopped` and `interrupted` runs resume from their
 * last checkpoint (a reopen); a `paused` run resumes in place.
 */
import type { RunStatus } from './types';

const LABELS: Record<RunStatus, string> = {
  starting: 'starting',
  running: 'running',
  paused: 'paused',
  stopped: 'stopped',
  finished: 'finished',
  failed: 'failed',
  interrupted: 'interrupted by a reload',
};

export function statusLabel(s: RunStatus): string {
  return LABELS[s];
}

/** Going on: nothing else may start, the model may not change. */
export function isActive(s: RunStatus): boolean {
  return s === 'starting' || s === 'running' || s === 'paused';
}

export interface RunActions {
  pause: boolean;
  /** 'resume' continues a paused run in place; 'reopen' continues from the last checkpoint. */
  resume: 'resume' | 'reopen' | null;
  step: boolean;
  stop: boolean;
}

export function runActions(s: RunStatus): RunActions {
  return {
    pause: s === 'running',
    resume: s === 'paused' ? 'resume' : s === 'stopped' || s === 'interrupted' ? 'reopen' : null,
    step: s === 'paused',
    stop: s === 'running' || s === 'paused',
  };
}

/** What a run restored from storage after a reload is: whatever was going on stopped with the page. */
export function restoredStatus(s: RunStatus): RunStatus {
  return isActive(s) ? 'interrupted' : s;
}
