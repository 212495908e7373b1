/**
 * Dev preview of the chart components on synthetic records (src/ui/lib/synthetic-turns.ts) — a page
 * for looking at the charts and taking screenshots, never part of the app and never real data.
 * Open /src/ui/charts/preview.html on the vite dev server. `?turns=N` sets the size of the finished
 * runs; a fourth run streams live through the runs store; runs persist in a preview-only IndexedDB.
 */
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { useShallow } from 'zustand/react/shallow';
import { syntheticRun } from '../lib/synthetic-turns';
import { indexedDbPersistence } from '../runs/persistence';
import { persistRuns } from '../runs/persist-runs';
import { RunsPanel } from '../runs/runs-panel';
import { runList, useRunsStore } from '../runs/store';
import { useRunView } from '../runs/view';
import { ComparisonTable } from './comparison-table';
import { DiagnosticsDashboard } from './diagnostics-dashboard';
import './charts.css';

const params = new URLSearchParams(location.search);
const TURNS = Number(params.get('turns') ?? 2000);
const MODULES = ['model.layers.11.mlp.down_proj', 'model.layers.12.mlp.down_proj', 'model.layers.22.mlp.down_proj'];

function seed() {
  const s = useRunsStore.getState();
  if (s.order.length > 0) return;
  const variants = [
    { label: 'stableedit (synthetic)', decay: 0.7, seed: 1 },
    { label: 'ultraedit (synthetic)', decay: 1, seed: 2 },
    { label: 'no-ln (synthetic)', decay: 2.5, seed: 3 },
  ];
  for (const v of variants) {
    const id = s.addRun({ label: v.label, config: { synthetic: true, decay: v.decay } });
    const run = syntheticRun({ seed: v.seed, turns: TURNS, warmupTurns: 20, modules: MODULES, decay: v.decay, sampleEvery: 50 });
    for (const record of run.turns) s.applyEvent(id, { type: 'turn', record });
    for (const record of run.metrics) s.applyEvent(id, { type: 'metrics', record });
    const final = run.metrics.at(-1)!;
    s.applyEvent(id, {
      type: 'finished',
      report: {
        editor: v.label.split(' ')[0],
        targetEdits: final.edits,
        warmupEdits: 2000,
        preEdit: run.metrics[0],
        final,
        seconds: 1,
        turnsPerSecond: 1,
        editsPerSecond: 100,
      },
    });
  }
  s.flush();
}

/** Streams a synthetic run into the store, 20 turns per tick, as a worker would. */
function startLiveRun() {
  const id = useRunsStore.getState().addRun({ label: 'live (synthetic)', config: { synthetic: true } });
  const run = syntheticRun({ seed: 9, turns: 3000, modules: MODULES, decay: 0.8 });
  let i = 0;
  const timer = setInterval(() => {
    for (let k = 0; k < 20 && i < run.turns.length; k++, i++)
      useRunsStore.getState().applyEvent(id, { type: 'turn', record: run.turns[i] });
    if (i >= run.turns.length) clearInterval(timer);
  }, 50);
}

function Preview() {
  const runs = useRunsStore(useShallow(runList));
  const hidden = useRunView((s) => s.hidden);
  const [restored, setRestored] = useState<string>('restoring…');
  const [live, setLive] = useState(false);
  useEffect(() => {
    const h = persistRuns(useRunsStore, indexedDbPersistence('stableedit-lab-chart-preview'), {
      onError: (m) => setRestored(`error: ${m}`),
    });
    h.restored.then((n) => {
      setRestored(`${n} run(s) restored from IndexedDB`);
      seed();
    });
    return () => h.dispose();
  }, []);
  return (
    <main>
      <p className="preview-banner">
        <strong>Preview — synthetic data</strong>, generated to exercise the charts; not a measurement.{' '}
        <span data-testid="restored">{restored}</span>
      </p>
      <p>
        <button type="button" onClick={() => (setLive(true), startLiveRun())} disabled={live}>
          stream a live run
        </button>{' '}
        <button type="button" onClick={() => indexedDB.deleteDatabase('stableedit-lab-chart-preview')}>
          clear stored preview runs
        </button>
      </p>
      <h2>Runs</h2>
      <RunsPanel />
      <h2>Comparison</h2>
      <ComparisonTable runs={runs} />
      <h2>Diagnostics</h2>
      <DiagnosticsDashboard runs={runs} hidden={hidden} />
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Preview />
  </StrictMode>,
);
