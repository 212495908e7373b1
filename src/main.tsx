import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/app';
import { startEngine, sendCommand, useEngine } from './ui/engine-client';
import { useLabStore } from './ui/store';
import { routeEvent } from './ui/bridge';
import { modelLoad } from './ui/lab-settings';
import { startRunPersistence } from './ui/persist';
import { DEMO_DATA } from './engine/lab/demo-defaults';

// One worker for the page's lifetime, started outside React so StrictMode's double effects cannot spawn two.
const engine = startEngine(routeEvent);
useEngine(engine, (type, id) => useLabStore.getState().sent(type, id));
sendCommand({ type: 'device/init' });
// The lab opens ready to run: the demo model, its edit stream and its warm-up source.
sendCommand(modelLoad({ kind: 'demo' }));
const base = import.meta.env.BASE_URL;
sendCommand({
  type: 'data/scan',
  slot: 'edits',
  input: { kind: 'url', url: base + DEMO_DATA.edits, name: 'edits.eval.json' },
  options: { onInvalid: 'skip' },
});
sendCommand({
  type: 'data/scan',
  slot: 'warmup',
  input: { kind: 'url', url: base + DEMO_DATA.warmup, name: 'edits.train.json' },
  options: { onInvalid: 'skip' },
});
startRunPersistence();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
