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
import { runColors } from './charts/palette';
import { DemoNote } from './charts/demo-note';
import { useRunView } from './runs/view';
import { TopBar } from './top-bar';
import './charts/charts.css';
import './layout.css';

export function App() {
  return (
    <>
      <TopBar />
      {/* Three areas: the head of the dashboard (runs, comparison), the set-up, the charts. Wide, the
          set-up is a side column beside both; narrow, it comes between them (layout.css). */}
      <main className="lab">
        <DashboardHead />
        <aside className="side" aria-label="Set-up">
          <ModelPanel />
          <DataPanel />
          <SettingsPanel />
          <ProbePanel />
          <ExportPanel />
          <DevicePanel />
        </aside>
        <Charts />
      </main>
    </>
  );
}

function DashboardHead() {
  const runs = useRunsStore(useShallow(runList));
  const hidden = useRunView((s) => s.hidden);
  const reopen = useReopen();
  const shown = runs.filter((r) => !hidden.has(r.id));
  return (
    <div className="dash dash-head">
      <RunNotices />
      <div className="dash-top">
        <section className="dash-runs" aria-labelledby="runs-h">
          <h2 id="runs-h">Runs</h2>
          <RunsPanel reopen={reopen} withImport={false} />
        </section>
        <section className="dash-comparison" aria-labelledby="comparison-h" data-testid="comparison">
          <h2 id="comparison-h">Comparison</h2>
          <ComparisonTable runs={shown} colors={runColors(runs)} />
          <DemoNote runs={shown} />
        </section>
      </div>
    </div>
  );
}

function Charts() {
  const runs = useRunsStore(useShallow(runList));
  const hidden = useRunView((s) => s.hidden);
  return (
    <div className="dash dash-charts">
      <DiagnosticsDashboard runs={runs} hidden={hidden} />
    </div>
  );
}
