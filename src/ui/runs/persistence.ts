/**
 * Where runs survive a reload. IndexedDB in the browser (runs of thousands of turns are megabytes,
 * past localStorage's quota); an in-memory twin for tests. Both store the export format (RunFile), so
 * what is persisted is exactly what "export run" would write, and is validated the same way on load.
 */
import { InputError } from '../../engine/types';
import { parseRunFile, toRunFile, type RunFile } from './run-file';
import type { LabRun } from './types';

export interface LoadedRuns {
  runs: LabRun[];
  /** Stored runs that could not be read, with why (shown to the user, not thrown). */
  errors: string[];
}

export interface RunPersistence {
  loadAll(): Promise<LoadedRuns>;
  save(run: LabRun): Promise<void>;
  remove(id: string): Promise<void>;
}

function readAll(values: unknown[], where: string): LoadedRuns {
  const out: LoadedRuns = { runs: [], errors: [] };
  values.forEach((v, i) => {
    try {
      out.runs.push(parseRunFile(v, `${where} #${i}`));
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      out.errors.push(e.message);
    }
  });
  out.runs.sort((a, b) => a.createdAt - b.createdAt);
  return out;
}

export function memoryPersistence(): RunPersistence & { stored: Map<string, RunFile> } {
  const stored = new Map<string, RunFile>();
  return {
    stored,
    async loadAll() {
      // a structured-clone round trip, like IndexedDB's, so tests cannot rely on shared references
      return readAll(
        [...stored.values()].map((v) => structuredClone(v)),
        'memory',
      );
    },
    async save(run) {
      stored.set(run.id, structuredClone(toRunFile(run)));
    },
    async remove(id) {
      stored.delete(id);
    },
  };
}

const STORE = 'runs';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

export function indexedDbPersistence(dbName = 'stableedit-lab-runs'): RunPersistence {
  let db: Promise<IDBDatabase> | null = null;
  const open = () =>
    (db ??= new Promise((resolve, reject) => {
      const r = indexedDB.open(dbName, 1);
      r.onupgradeneeded = () => r.result.createObjectStore(STORE, { keyPath: 'id' });
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    }));
  const tx = async (mode: IDBTransactionMode) => (await open()).transaction(STORE, mode).objectStore(STORE);
  return {
    async loadAll() {
      return readAll(await request((await tx('readonly')).getAll()), `IndexedDB ${dbName}`);
    },
    async save(run) {
      await request((await tx('readwrite')).put(toRunFile(run)));
    },
    async remove(id) {
      await request((await tx('readwrite')).delete(id));
    },
  };
}
