/**
 * The lab, dashboard first (as in TensorFlow Playground or Weights & Biases): a pinned top bar with
 * what is loaded and the run controls; below it the runs, the comparison table and the charts; the
 * set-up (model, data, settings, probe, export, device) in a side panel of folding sections, the demo
 * already loaded in them.
 */
import { useShallow } from 'zustand/react/shallow';
import { ComparisonTable } from './charts/ComparisonTable';
import { DiagnosticsDashboard } from './charts/DiagnosticsDashboard';
import { DevicePanel } from './DevicePanel';
import { DataPanel } from './panels/DataPanel';
import { ExportPanel } from './panels/ExportPanel';
import { ModelPanel } from './panels/ModelPanel';
import { RunNotices, useReopen } from './panels/RunPanel';
import { SettingsPanel } from './panels/SettingsPanel';
import { ProbePanel } from './probe/ProbePanel';
import { RunsPanel } from './runs/RunsPanel';
import { runList, useRunsStore } from './runs/store';
import { useRunView } from './runs/view';
import { TopBar } from './TopBar';
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
