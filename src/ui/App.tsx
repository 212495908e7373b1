import { DevicePanel } from './DevicePanel';
import { DataPanel } from './panels/DataPanel';
import { ExportPanel } from './panels/ExportPanel';
import { ModelPanel } from './panels/ModelPanel';
import { RunPanel } from './panels/RunPanel';
import { SettingsPanel } from './panels/SettingsPanel';
import { ProbePanel } from './probe/ProbePanel';
import './charts/charts.css';

export function App() {
  return (
    <main className="app">
      <header>
        <h1>StableEdit Lab</h1>
        <p className="muted">Lifelong model editing (StableEdit, UltraEdit and ablations), in your browser.</p>
      </header>
      <ModelPanel />
      <DataPanel />
      <SettingsPanel />
      <RunPanel />
      <ProbePanel />
      <ExportPanel />
      <DevicePanel />
    </main>
  );
}
