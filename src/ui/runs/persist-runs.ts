/**
 * Keeps a runs store and its storage in step: restores runs on start, saves a run when it changes
 * (at once when its status changes, at most every `intervalMs` while it streams turns), forgets it
 * when removed. A run that was still running when the page went away comes back paused: its worker
 * is gone, and resuming is the run controls' job (from its last checkpoint).
 */
import type { RunPersistence } from './persistence';
import type { RunsStore } from './store';
import type { LabRun } from './types';
import { restoredStatus } from './status';
import { isStorageFull, MAKE_ROOM_IN_THE_BROWSER } from '../../engine/io/storage-full';

export interface PersistOptions {
  intervalMs?: number;
  /** Called with messages about stored runs that could not be read or written. */
  onError?: (message: string) => void;
}

export interface PersistHandle {
  /** Loads stored runs into the store; resolves to how many were restored. */
  restored: Promise<number>;
  /** Saves every run that changed since its last save, now. */
  saveNow(): Promise<void>;
  dispose(): void;
}

export function persistRuns(store: RunsStore, storage: RunPersistence, opts: PersistOptions = {}): PersistHandle {
  const intervalMs = opts.intervalMs ?? 3000;
  const report = opts.onError ?? ((m: string) => console.warn(m));
  const saved = new Map<string, { version: number; status: LabRun['status']; at: number }>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Runs whose last save the quota refused (reported once until a save succeeds). */
  const full = new Set<string>();
  let ready = false;

  const save = async (id: string) => {
    timers.delete(id);
    const run = store.getState().runs[id];
    if (!run) return;
    saved.set(id, { version: run.version, status: run.status, at: Date.now() });
    try {
      await storage.save(run);
      full.delete(id);
    } catch (e) {
      if (!isStorageFull(e)) return report(`could not save run "${run.label}" (${id}): ${(e as Error).message}`);
      // The quota: IndexedDB kept the run's previous save; this one is tried again at the next change
      // (no sooner than intervalMs), and the user is told once, with how to make room.
      saved.set(id, { version: -1, status: run.status, at: Date.now() });
      if (full.has(id)) return;
      full.add(id);
      report(
        `run "${run.label}" (${id}) could not be saved (its last save is kept; the run itself is whole in this tab and saving is retried): ${MAKE_ROOM_IN_THE_BROWSER}`,
      );
    }
  };

  const sync = () => {
    if (!ready) return;
    const { runs } = store.getState();
    for (const [id, run] of Object.entries(runs)) {
      const last = saved.get(id);
      if (last && last.version === run.version) continue;
      if (!last || (last.version !== -1 && (last.status !== run.status || run.status !== 'running'))) {
        clearTimeout(timers.get(id));
        void save(id);
      } else if (!timers.has(id)) {
        timers.set(
          id,
          setTimeout(() => void save(id), Math.max(0, last.at + intervalMs - Date.now())),
        );
      }
    }
    for (const id of [...saved.keys()]) {
      if (runs[id]) continue;
      saved.delete(id);
      clearTimeout(timers.get(id));
      timers.delete(id);
      storage.remove(id).catch((e: Error) => report(`could not delete stored run ${id}: ${e.message}`));
    }
  };

  const restored = storage.loadAll().then(({ runs, errors }) => {
    errors.forEach(report);
    const have = store.getState().runs;
    for (const run of runs) {
      if (have[run.id]) continue;
      const status = restoredStatus(run.status);
      const back = status === run.status ? run : { ...run, status };
      store.getState().importRun(back);
      // what is stored is current, except a run a reload interrupted
      if (back === run) saved.set(run.id, { version: run.version, status: run.status, at: Date.now() });
    }
    ready = true;
    sync();
    return runs.length;
  });

  const unsubscribe = store.subscribe(sync);
  return {
    restored,
    async saveNow() {
      await restored;
      const ids = Object.keys(store.getState().runs).filter((id) => saved.get(id)?.version !== store.getState().runs[id].version);
      await Promise.all(ids.map(save));
    },
    dispose() {
      unsubscribe();
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}
