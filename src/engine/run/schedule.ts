/**
 * The order of turns in a run: target turns of n_edits records, with an optional warm-up block of
 * other edits inserted at a placement (paper App. B.6.1: start, q1, middle, q3, end of the target
 * stream). Warm-up turns use their own source and are never evaluated.
 */
export type WarmupPlacement = 'start' | 'q1' | 'middle' | 'q3' | 'end';
export const WARMUP_PLACEMENTS: readonly WarmupPlacement[] = ['start', 'q1', 'middle', 'q3', 'end'];

export interface ScheduledTurn {
  /** Position in the whole run (warm-up and target turns together). */
  step: number;
  kind: 'warmup' | 'target';
  /** Index of the turn within its own stream (target turn t, or warm-up turn w). */
  turn: number;
  /** Record positions [start, end) within that stream. */
  start: number;
  end: number;
}

export interface ScheduleOptions {
  targetRecords: number;
  nEdits: number;
  /** Number of target turns; defaults to as many full turns as the records allow. */
  turns?: number;
  warmupRecords?: number;
  warmupTurns?: number;
  placement?: WarmupPlacement;
}

/** Target turn before which the warm-up block runs; `turns` means after the last one. */
export function warmupInsertion(placement: WarmupPlacement, turns: number): number {
  switch (placement) {
    case 'start':
      return 0;
    case 'q1':
      return Math.floor(turns / 4);
    case 'middle':
      return Math.floor(turns / 2);
    case 'q3':
      return Math.floor((3 * turns) / 4);
    case 'end':
      return turns;
  }
}

/**
 * Why these streams cannot make this schedule, or null when they can. The page shows it beside a
 * disabled Start; buildSchedule throws it.
 */
export function scheduleProblem(o: ScheduleOptions): string | null {
  if (!(Number.isInteger(o.nEdits) && o.nEdits >= 1)) return `edits per turn must be a whole number ≥ 1, got ${o.nEdits}`;
  const available = Math.floor(o.targetRecords / o.nEdits);
  const turns = o.turns ?? available;
  if (turns > available || turns < 1)
    return `${Math.max(turns, 1)} turn${turns > 1 ? 's' : ''} of ${o.nEdits} edits need${turns > 1 ? '' : 's'} ${Math.max(turns, 1) * o.nEdits} records; the edit stream has ${o.targetRecords}`;
  const wTurns = o.warmupTurns ?? 0;
  if (wTurns > 0 && (o.warmupRecords ?? 0) < wTurns * o.nEdits)
    return `${wTurns} warm-up turns of ${o.nEdits} edits need ${wTurns * o.nEdits} records; the warm-up source has ${o.warmupRecords ?? 0}`;
  return null;
}

export function buildSchedule(o: ScheduleOptions): ScheduledTurn[] {
  const problem = scheduleProblem(o);
  if (problem) throw new Error(problem);
  const turns = o.turns ?? Math.floor(o.targetRecords / o.nEdits);
  const wTurns = o.warmupTurns ?? 0;
  const at = warmupInsertion(o.placement ?? 'start', turns);
  const out: ScheduledTurn[] = [];
  const pushWarmup = () => {
    for (let w = 0; w < wTurns; w++) out.push({ step: out.length, kind: 'warmup', turn: w, start: w * o.nEdits, end: (w + 1) * o.nEdits });
  };
  for (let t = 0; t < turns; t++) {
    if (t === at) pushWarmup();
    out.push({ step: out.length, kind: 'target', turn: t, start: t * o.nEdits, end: (t + 1) * o.nEdits });
  }
  if (at === turns) pushWarmup();
  return out;
}
