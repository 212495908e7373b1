/**
 * Applies a batch of engine events to a run. Records are pushed onto the run's arrays (O(1)
 * amortized per event); the returned LabRun is a new object with `version` bumped, so React sees one
 * change per batch however many turns the batch held. Status is not folded from events: the
 * worker's run/state messages own it (status.ts), so a run reads 'finished' only once the worker
 * has saved what its exports need.
 */
import type { RunEvent } from '../../engine/run/events';
import type { LabRun } from './types';

export const MAX_WARNINGS = 200;

export function foldEvents(run: LabRun, events: readonly RunEvent[]): LabRun {
  if (events.length === 0) return run;
  const next: LabRun = { ...run, version: run.version + 1 };
  for (const ev of events) {
    switch (ev.type) {
      case 'started':
        next.plan = { steps: ev.steps, targetTurns: ev.targetTurns, warmupTurns: ev.warmupTurns, resumedFrom: ev.resumedFrom };
        break;
      case 'turn':
        next.turns.push(ev.record);
        next.activity = undefined;
        break;
      case 'progress':
        next.activity =
          ev.done < ev.total
            ? { what: ev.what, done: ev.done, total: ev.total, ...(ev.etaSeconds !== undefined ? { etaSeconds: ev.etaSeconds } : {}) }
            : undefined;
        break;
      case 'metrics':
        next.metrics.push(ev.record);
        break;
      case 'warning':
        next.warnings = [...next.warnings, { message: ev.message, step: ev.step }].slice(-MAX_WARNINGS);
        break;
      case 'checkpoint':
        next.lastCheckpoint = { step: ev.step, bytes: ev.bytes };
        break;
      case 'error':
        next.error = { message: ev.message, where: ev.where, step: ev.step };
        break;
      case 'finished':
        next.report = ev.report;
        break;
      case 'states':
        next.driftStates =
          ev.edits === 0 ? { pre: ev.states, edits: 0 } : next.driftStates && { ...next.driftStates, now: ev.states, edits: ev.edits };
        break;
    }
  }
  return next;
}
