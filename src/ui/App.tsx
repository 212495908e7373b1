import { DevicePanel } from './DevicePanel';

export function App() {
  return (
    <main className="app">
      <header>
        <h1>StableEdit Lab</h1>
        <p className="muted">Lifelong model editing (StableEdit, UltraEdit and ablations), in your browser.</p>
      </header>
      <DevicePanel />
    </main>
  );
}
