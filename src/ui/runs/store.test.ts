import { describe, expect, it } from 'vitest';
import type { RunEvent, RunReport } from '../../engine/run/events';
import { InputError } from '../../engine/types';
import { syntheticRun } from '../lib/synthetic-turns';
import { memoryPersistence } from './persistence';
import { persistRuns } from './persist-runs';
import { parseRunFileText, runFileJson } from './run-file';
import { createRunsStore, runList, type Schedule } from './store';

/** A schedule the test fires by hand, counting how often a flush was requested. */
function manualSchedule() {
  const queued: (() => void)[] = [];
  const schedule: Schedule = (f) => void queued.push(f);
  return { schedule, queued, fire: () => queued.splice(0).forEach((f) => f()) };
}

const report: RunReport = {
  editor: 'stableedit',
  targetEdits: 500,
  warmupEdits: 0,
  final: { protocol: 'final', edits: 500, metrics: { efficacy: { tokenAccuracy: 0.9, exactMatch: 0.8, records: 500 } } },
  seconds: 10,
  turnsPerSecond: 0.5,
  editsPerSecond: 50,
};

describe('runs store', () => {
  it('appends 5 000 turns in under 200 ms with one store update per flush', () => {
    const { turns } = syntheticRun({ seed: 1, turns: 5000, editsPerTurn: 10 });
    const m = manualSchedule();
    const store = createRunsStore({ schedule: m.schedule });
    const id = store.getState().addRun({ label: 'a', config: {} });
    let notifications = 0;
    store.subscribe(() => notifications++);
    const t0 = performance.now();
    for (let i = 0; i < turns.length; i++) {
      store.getState().applyEvent(id, { type: 'turn', record: turns[i] });
      if (i % 100 === 99) m.fire(); // a frame every 100 events
    }
    m.fire();
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(200);
    const run = store.getState().runs[id];
    expect(run.turns.length).toBe(5000);
    expect(run.turns[4999]).toBe(turns[4999]);
    expect(run.version).toBe(50);
    expect(notifications).toBe(50);
    console.log(`store: 5000 turn events applied in ${ms.toFixed(1)} ms`);
  });

  it('asks for one flush per batch and leaves other runs untouched', () => {
    const m = manualSchedule();
    const store = createRunsStore({ schedule: m.schedule });
    const a = store.getState().addRun({ label: 'a', config: null });
    const b = store.getState().addRun({ label: 'b', config: null });
    const before = store.getState().runs[b];
    const { turns } = syntheticRun({ seed: 2, turns: 3 });
    for (const t of turns) store.getState().applyEvent(a, { type: 'turn', record: t });
    expect(m.queued.length).toBe(1);
    expect(store.getState().runs[a].turns.length).toBe(0); // nothing applied before the frame
    m.fire();
    expect(store.getState().runs[a].turns.length).toBe(3);
    expect(store.getState().runs[b]).toBe(before);
    expect(runList(store.getState()).map((r) => r.label)).toEqual(['a', 'b']);
  });

  it('folds the run lifecycle (started, metrics, warning, error/finished); status moves only with the worker’s run/state', () => {
    const m = manualSchedule();
    const store = createRunsStore({ schedule: m.schedule });
    const id = store.getState().addRun({ label: 'x', config: { lr: 1e-6 }, status: 'paused' });
    const events: RunEvent[] = [
      { type: 'started', steps: 5, targetTurns: 5, warmupTurns: 0, resumedFrom: null },
      { type: 'metrics', record: report.final },
      { type: 'warning', message: 'slow', step: 2 },
      { type: 'checkpoint', step: 3, bytes: 1024 },
    ];
    events.forEach((e) => store.getState().applyEvent(id, e));
    m.fire();
    let run = store.getState().runs[id];
    expect(run.status).toBe('paused');
    expect(run.plan?.targetTurns).toBe(5);
    expect(run.metrics).toEqual([report.final]);
    expect(run.warnings).toEqual([{ message: 'slow', step: 2 }]);
    expect(run.lastCheckpoint).toEqual({ step: 3, bytes: 1024 });
    store.getState().applyEvent(id, { type: 'finished', report });
    store.getState().setLabel(id, 'renamed'); // flushes the queued event first
    run = store.getState().runs[id];
    expect(run.status).toBe('paused'); // until the worker says 'finished' (its results saved)
    store.getState().setStatus(id, 'finished');
    run = store.getState().runs[id];
    expect(run.status).toBe('finished');
    expect(run.report).toBe(report);
    expect(run.label).toBe('renamed');
    const other = store.getState().addRun({ label: 'y', config: null });
    expect(store.getState().runs[other].status).toBe('starting');
    store.getState().applyEvent(other, { type: 'error', message: 'out of memory', where: 'capture', step: 4 });
    store.getState().setStatus(other, 'failed');
    expect(store.getState().runs[other].status).toBe('failed');
    expect(store.getState().runs[other].error).toEqual({ message: 'out of memory', where: 'capture', step: 4 });
    expect(() => store.getState().applyEvent('nope', { type: 'finished', report })).toThrow(/unknown run nope/);
  });

  it('shows a long preparation pass while it runs (progress events) and drops it when the first turn arrives', () => {
    const m = manualSchedule();
    const store = createRunsStore({ schedule: m.schedule });
    const id = store.getState().addRun({ label: 'memit', config: {} });
    const progress = (done: number): RunEvent => ({ type: 'progress', what: 'key statistics', done, total: 9184 });
    [progress(32), progress(64)].forEach((e) => store.getState().applyEvent(id, e));
    m.fire();
    expect(store.getState().runs[id].activity).toEqual({ what: 'key statistics', done: 64, total: 9184 });
    store.getState().applyEvent(id, progress(9184)); // the pass is done
    m.fire();
    expect(store.getState().runs[id].activity).toBeUndefined();
    store.getState().applyEvent(id, progress(100));
    store.getState().applyEvent(id, { type: 'turn', record: syntheticRun({ seed: 2, turns: 1, editsPerTurn: 10 }).turns[0] });
    m.fire();
    expect(store.getState().runs[id].activity).toBeUndefined();
    expect(store.getState().runs[id].turns).toHaveLength(1);
    // A chunked final evaluation carries its ETA to the page.
    store.getState().applyEvent(id, { type: 'progress', what: 'final evaluation', done: 5000, total: 20000, etaSeconds: 42 });
    m.fire();
    expect(store.getState().runs[id].activity).toEqual({ what: 'final evaluation', done: 5000, total: 20000, etaSeconds: 42 });
  });
});

describe('run files', () => {
  const { turns, metrics } = syntheticRun({ seed: 3, turns: 20, warmupTurns: 2, sampleEvery: 5 });

  it('export then import gives back the same run', () => {
    const store = createRunsStore({ schedule: (f) => f() });
    const id = store.getState().addRun({ label: 'stableedit λ=10', config: { ridge: 10, modules: ['a'] } });
    for (const t of turns) store.getState().applyEvent(id, { type: 'turn', record: t });
    for (const r of metrics) store.getState().applyEvent(id, { type: 'metrics', record: r });
    store.getState().applyEvent(id, { type: 'finished', report });
    store.getState().setStatus(id, 'finished');
    const run = store.getState().runs[id];
    const back = parseRunFileText(runFileJson(run), 'run.json');
    expect({ ...back, version: run.version }).toEqual(run);
    const again = store.getState().importRun(back);
    expect(again).not.toBe(id); // the id clashed, so the import got a fresh one
    expect(store.getState().runs[again].turns.length).toBe(22);
  });

  it('says which file and which field is wrong', () => {
    expect(() => parseRunFileText('{oops', 'a.json')).toThrow(InputError);
    expect(() => parseRunFileText('{oops', 'a.json')).toThrow(/a\.json: not valid JSON/);
    expect(() => parseRunFileText('[]', 'b.json')).toThrow(/b\.json: top level/);
    const good = JSON.parse(
      runFileJson({ id: 'r', label: 'r', config: null, status: 'finished', createdAt: 1, turns, metrics, warnings: [], version: 1 }),
    );
    expect(() => parseRunFileText(JSON.stringify({ ...good, format: 'other' }), 'c.json')).toThrow(/c\.json: format/);
    const badTurn = structuredClone(good);
    badTurn.turns[7].kind = 'middle';
    expect(() => parseRunFileText(JSON.stringify(badTurn), 'd.json')).toThrow(/d\.json: turns\[7\]\.kind/);
    const badVersion = { ...good, formatVersion: 99 };
    expect(() => parseRunFileText(JSON.stringify(badVersion), 'e.json')).toThrow(/formatVersion.*not supported/);
  });
});

describe('persistence', () => {
  it('saves finished runs, restores them after a "reload", marks the ones it interrupted, forgets removed ones', async () => {
    const storage = memoryPersistence();
    const store = createRunsStore({ schedule: (f) => f() });
    const h = persistRuns(store, storage, { intervalMs: 10_000 });
    expect(await h.restored).toBe(0);
    const { turns } = syntheticRun({ seed: 5, turns: 8 });
    const done = store.getState().addRun({ label: 'done', config: { seed: 1 } });
    const going = store.getState().addRun({ label: 'going', config: { seed: 2 } });
    const gone = store.getState().addRun({ label: 'gone', config: null, status: 'finished' });
    for (const t of turns) {
      store.getState().applyEvent(done, { type: 'turn', record: t });
      store.getState().applyEvent(going, { type: 'turn', record: t });
    }
    store.getState().applyEvent(done, { type: 'finished', report });
    store.getState().setStatus(done, 'finished');
    store.getState().setStatus(going, 'running');
    store.getState().removeRun(gone);
    await h.saveNow();
    await Promise.resolve();
    expect([...storage.stored.keys()].sort()).toEqual([done, going].sort());
    h.dispose();

    const reloaded = createRunsStore({ schedule: (f) => f() });
    const h2 = persistRuns(reloaded, storage);
    expect(await h2.restored).toBe(2);
    const runs = reloaded.getState().runs;
    expect(runs[done].status).toBe('finished');
    expect(runs[done].turns).toEqual(turns);
    expect(runs[done].report).toEqual(report);
    expect(runs[going].status).toBe('interrupted');
    expect(runs[going].turns.length).toBe(8);
    h2.dispose();
  });

  it('a save the quota refuses (IndexedDB) is reported once with how to make room, keeps the last save, and is retried', async () => {
    const inner = memoryPersistence();
    let full = true;
    const storage = {
      ...inner,
      async save(run: Parameters<typeof inner.save>[0]) {
        if (full) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        await inner.save(run);
      },
    };
    const errors: string[] = [];
    const store = createRunsStore({ schedule: (f) => f() });
    const h = persistRuns(store, storage, { intervalMs: 5, onError: (m) => errors.push(m) });
    await h.restored;
    const id = store.getState().addRun({ label: 'big', config: null });
    store.getState().setStatus(id, 'paused');
    await h.saveNow();
    store.getState().setStatus(id, 'stopped');
    await h.saveNow();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /run "big" .* could not be saved \(its last save is kept; the run itself is whole in this tab and saving is retried\): the browser's storage for this site is full/,
    );
    expect(inner.stored.size).toBe(0);
    full = false;
    await h.saveNow();
    expect(inner.stored.get(id)?.status).toBe('stopped');
    h.dispose();
  });

  it('reports stored runs it cannot read instead of failing the whole restore', async () => {
    const storage = memoryPersistence();
    storage.stored.set('bad', { format: 'stableedit-lab.run', formatVersion: 1, id: 'bad' } as never);
    const errors: string[] = [];
    const store = createRunsStore({ schedule: (f) => f() });
    const h = persistRuns(store, storage, { onError: (m) => errors.push(m) });
    expect(await h.restored).toBe(0);
    expect(errors[0]).toMatch(/memory #0: label/);
    h.dispose();
  });

  it('gives each run a colour slot for its lifetime, and puts a removed run back where it stood', () => {
    let n = 0;
    const store = createRunsStore({ schedule: (f) => f(), newId: () => `r${n++}` });
    const [a, b, c] = ['A', 'B', 'C'].map((label) => store.getState().addRun({ label, config: null, status: 'finished' }));
    const slots = () => runList(store.getState()).map((r) => `${r.label}:${r.colorSlot}`);
    expect(slots()).toEqual(['A:0', 'B:1', 'C:2']);
    store.getState().removeRun(a);
    // The others keep their colours; the removed run is held for undo.
    expect(slots()).toEqual(['B:1', 'C:2']);
    expect(store.getState().removed?.run.label).toBe('A');
    store.getState().undoRemove();
    expect(slots()).toEqual(['A:0', 'B:1', 'C:2']);
    expect(store.getState().removed).toBeNull();
    // A new run takes the lowest free slot; an imported run keeps its own unless it is taken.
    store.getState().removeRun(b);
    const d = store.getState().addRun({ label: 'D', config: null });
    expect(store.getState().runs[d].colorSlot).toBe(1);
    const back = parseRunFileText(runFileJson(store.getState().runs[c]), 'c.run.json');
    expect(back.colorSlot).toBe(2);
    const copy = store.getState().importRun(back);
    expect(store.getState().runs[copy].colorSlot).toBe(3);
  });
});
