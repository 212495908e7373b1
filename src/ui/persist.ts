/** Runs survive a reload: the runs store is mirrored into IndexedDB. */
import { indexedDbPersistence } from './runs/persistence';
import { persistRuns } from './runs/persist-runs';
import { useRunsStore } from './runs/store';
import { useLabStore } from './store';

export function startRunPersistence(): void {
  if (typeof indexedDB === 'undefined') return;
  const handle = persistRuns(useRunsStore, indexedDbPersistence(), {
    onError: (message) => useLabStore.setState((s) => ({ failures: [...s.failures, { command: 'storage', message }] })),
  });
  // Leaving the page: the turns still queued for the next frame and the throttled saves go now.
  // The browser may tear the page down before IndexedDB commits; what is lost then is redone from
  // the run's checkpoint when it is resumed.
  addEventListener('pagehide', () => {
    useRunsStore.getState().flush();
    void handle.saveNow();
  });
}
