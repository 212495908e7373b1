/** Runs survive a reload: the runs store is mirrored into IndexedDB. */
import { indexedDbPersistence } from './runs/persistence';
import { persistRuns } from './runs/persist-runs';
import { useRunsStore } from './runs/store';
import { useLabStore } from './store';

export function startRunPersistence(): void {
  if (typeof indexedDB === 'undefined') return;
  persistRuns(useRunsStore, indexedDbPersistence(), {
    onError: (message) => useLabStore.setState((s) => ({ failures: [...s.failures, { command: 'storage', message }] })),
  });
}
