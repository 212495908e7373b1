import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import { startEngine } from './ui/engine-client';
import { useLabStore } from './ui/store';

// One worker for the page's lifetime, started outside React so StrictMode's double effects cannot spawn two.
const engine = startEngine((ev) => useLabStore.getState().applyEvent(ev));
engine.send({ type: 'device/init' });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
