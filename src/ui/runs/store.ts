/**
 * The runs the lab holds (several at once, for comparison), as their own zustand store.
 *
 * Engine events arrive at up to hundreds per second; folding each into React state would re-render
 * every chart per event. `applyEvent` only queues; queued events are folded once per animation frame
 * (or after 250 ms when frames are not running, e.g. a background tab), one `set` for all runs, and
 * each touched run gets one new object with `version` bumped. Records are pushed onto append-only
 * arrays, so a flush costs O(events), not O(run length).
 */
import { create } from 'zustand';
import type { RunEvent } from '../../engine/run/events';
import { foldEvents } from './fold';
import type { LabRun, RunStatus } from './types';

export interface NewRun {
  id?: string;
  label: string;
  config: unknown;
  status?: RunStatus;
}

export interface RunsState {
  runs: Record<string, LabRun>;
  /** Run ids in the order they were added. */
  order: string[];
  addRun(init: NewRun): string;
  /** Queue an engine event for a run; it is applied at the next flush. */
  applyEvent(runId: string, event: RunEvent): void;
  /** Apply every queued event now. */
  flush(): void;
  setStatus(runId: string, status: RunStatus): void;
  setLabel(runId: string, label: string): void;
  /** Takes a run off the list; the last one removed can be put back where it was (`undoRemove`). */
  removeRun(runId: string): void;
  /** The run removed last (and where it stood), until it is put back or another is removed. */
  removed: { run: LabRun; at: number } | null;
  undoRemove(): void;
  /** Add a run read from a file or from storage; a clashing id gets a fresh one. Returns the id used. */
  importRun(run: LabRun): string;
}

export type Schedule = (flush: () => void) => void;

/** Next animation frame, or 250 ms, whichever comes first (frames stop in background tabs). */
export const frameSchedule: Schedule = (flush) => {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    flush();
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(once);
  setTimeout(once, 250);
};

export interface RunsStoreOptions {
  schedule?: Schedule;
  now?: () => number;
  newId?: () => string;
}

export function createRunsStore(opts: RunsStoreOptions = {}) {
  const schedule = opts.schedule ?? frameSchedule;
  const now = opts.now ?? Date.now;
  let counter = 0;
  const newId = opts.newId ?? (() => `run-${now().toString(36)}-${(counter++).toString(36)}`);
  const pending = new Map<string, RunEvent[]>();
  let scheduled = false;

  return create<RunsState>()((set, get) => {
    const flush = () => {
      scheduled = false;
      if (pending.size === 0) return;
      const runs = { ...get().runs };
      for (const [id, events] of pending) if (runs[id]) runs[id] = foldEvents(runs[id], events);
      pending.clear();
      set({ runs });
    };
    const update = (runId: string, patch: Partial<LabRun>) => {
      flush();
      const run = get().runs[runId];
      if (!run) throw new Error(`no run with id ${runId}`);
      set({ runs: { ...get().runs, [runId]: { ...run, ...patch, version: run.version + 1 } } });
    };
    // The lowest palette slot no listed run holds (a removed run's slot is free again).
    const freeSlot = (want?: number) => {
      const taken = new Set(Object.values(get().runs).map((r) => r.colorSlot));
      if (want !== undefined && !taken.has(want)) return want;
      let slot = 0;
      while (taken.has(slot)) slot++;
      return slot;
    };
    const uniqueId = (want: string | undefined) => {
      let id = want ?? newId();
      while (get().runs[id]) id = newId();
      return id;
    };

    return {
      runs: {},
      order: [],
      removed: null,
      addRun(init) {
        const id = uniqueId(init.id);
        const run: LabRun = {
          id,
          label: init.label,
          config: init.config,
          status: init.status ?? 'starting',
          createdAt: now(),
          turns: [],
          metrics: [],
          warnings: [],
          colorSlot: freeSlot(),
          version: 0,
        };
        set((s) => ({ runs: { ...s.runs, [id]: run }, order: [...s.order, id] }));
        return id;
      },
      applyEvent(runId, event) {
        if (!get().runs[runId]) throw new Error(`event ${event.type} for unknown run ${runId}`);
        let queue = pending.get(runId);
        if (!queue) pending.set(runId, (queue = []));
        queue.push(event);
        if (!scheduled) {
          scheduled = true;
          schedule(flush);
        }
      },
      flush,
      setStatus: (runId, status) => update(runId, { status }),
      setLabel: (runId, label) => update(runId, { label }),
      removeRun(runId) {
        flush();
        const { [runId]: gone, ...runs } = get().runs;
        if (!gone) return;
        set({ runs, order: get().order.filter((id) => id !== runId), removed: { run: gone, at: get().order.indexOf(runId) } });
      },
      undoRemove() {
        const r = get().removed;
        if (!r) return;
        const id = uniqueId(r.run.id);
        const order = [...get().order];
        order.splice(Math.min(r.at, order.length), 0, id);
        set({ runs: { ...get().runs, [id]: { ...r.run, id, colorSlot: freeSlot(r.run.colorSlot) } }, order, removed: null });
      },
      importRun(run) {
        const id = uniqueId(run.id);
        const colorSlot = freeSlot(run.colorSlot);
        set((s) => ({ runs: { ...s.runs, [id]: { ...run, id, colorSlot } }, order: [...s.order, id] }));
        return id;
      },
    };
  });
}

export type RunsStore = ReturnType<typeof createRunsStore>;

export const useRunsStore = createRunsStore();

/** The runs in display order (select with a stable selector: `useRunsStore(selectRunList)` re-renders on any run change). */
export function runList(s: Pick<RunsState, 'runs' | 'order'>): LabRun[] {
  return s.order.map((id) => s.runs[id]).filter((r): r is LabRun => r !== undefined);
}
