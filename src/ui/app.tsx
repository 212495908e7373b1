/**
 * The lab, dashboard first (as in TensorFlow Playground or Weights & Biases): a pinned top bar with
 * what is loaded and the run controls; below it the runs, the comparison table and the charts; the
 * set-up (model, data, settings, probe, export, device) in a side panel of folding sections, the demo
 * already loaded in them.
 */
import { useShallow } from 'zustand/react/shallow';
import { ComparisonTable } from './charts/comparison-table';
import { DiagnosticsDashboard } from './charts/diagnostics-dashboard';
import { DevicePanel } from './device-panel';
import { DataPanel } from './panels/data-panel';
import { ExportPanel } from './panels/export-panel';
import { ModelPanel } from './panels/model-panel';
import { RunNotices, useReopen } from './panels/run-panel';
import { SettingsPanel } from './panels/settings-panel';
import { ProbePanel } from './probe/probe-panel';
import { RunsPanel } from './runs/runs-panel';
import { runList, useRunsStore } from './runs/store';
import { useRunView } from './runs/view';
import { TopBar } from './top-bar';
import './charts/charts.css';
import './layout.css';

export function App() {
  return (
    <>
      <TopBar />
      <div className="lab">
        <Dashboard />
        <aside className="side" aria-label="Set-up">
          <ModelPanel />
          <DataPanel />
          <SettingsPanel />
          <ProbePanel />
          <ExportPanel />
          <DevicePanel />
        </aside>
      </div>
    </>
  );
}

function Dashboard() {
  const runs = useRunsStore(useShallow(runList));
  const hidden = useRunView((s) => s.hidden);
  const reopen = useReopen();
  return (
    <main className="dash">
      <RunNotices />
      <div className="dash-top">
        <section className="dash-runs" aria-labelledby="runs-h">
          <h2 id="runs-h">Runs</h2>
          <RunsPanel reopen={reopen} withImport={false} />
        </section>
        <section className="dash-comparison" aria-labelledby="comparison-h" data-testid="comparison">
          <h2 id="comparison-h">Comparison</h2>
          <ComparisonTable runs={runs.filter((r) => !hidden.has(r.id))} />
        </section>
      </div>
      <DiagnosticsDashboard runs={runs} hidden={hidden} />
    </main>
  );
}
