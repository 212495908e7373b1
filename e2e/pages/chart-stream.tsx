/**
 * Streams synthetic turn events (src/ui/lib/synthetic-turns.ts — never real measurements) into the
 * real runs store and the real dashboard, and measures what a user sees: for each turn, how many
 * animation frames pass between its event arriving and its point being in every chart's drawn line,
 * and the longest main-thread task while the stream runs (e2e/chart-stream.built.spec.ts asserts the bounds);
 * or adds one finished synthetic run shaped like the lab's for e2e/charts.built.spec.ts.
 */
import { createRoot } from 'react-dom/client';
import { useShallow } from 'zustand/react/shallow';
import { DiagnosticsDashboard } from '../../src/ui/charts/diagnostics-dashboard';
import '../../src/ui/charts/charts.css';
import { syntheticRun } from '../../src/ui/lib/synthetic-turns';
import { runList, useRunsStore } from '../../src/ui/runs/store';

export interface StreamResult {
  turns: number;
  /** Per turn: frames between its event and the first commit that drew it in every chart. */
  lagFrames: number[];
  /** Per turn: ms between its event and that commit. */
  lagMs: number[];
  longTasks: number[];
  charts: number;
  seconds: number;
  /** Last turn drawn per chart at the end, after scrolling to the last chart and waiting two frames. */
  drawn: Record<string, number>;
}

const nextFrame = () => new Promise((r) => requestAnimationFrame(r));

export interface FinishedRunOptions {
  turns: number;
  /** Leave specificity out of the immediate scores, as the engine does (only sampled and final evaluations score it). */
  noImmediateSpecificity?: boolean;
  /** Give the last two modules the same Σ statistics, as modules of one weight shape have. */
  shareSigma?: boolean;
}

declare global {
  interface Window {
    streamTurns(opts: { turns: number; perTick: number; tickMs: number }): Promise<StreamResult>;
    addFinishedRun(opts: FinishedRunOptions): void;
  }
}

function Page() {
  const runs = useRunsStore(useShallow(runList));
  return <DiagnosticsDashboard runs={runs} />;
}

// No StrictMode: its second render of every component is a development-only check, and this page
// measures the cost of the renders a user's browser does.
createRoot(document.getElementById('root')!).render(<Page />);

/** The smallest "last turn drawn" over the charts on screen (charts scrolled away catch up when they return). */
function drawnUpTo(): number {
  let least = Infinity;
  const figures = document.querySelectorAll<HTMLElement>('figure[data-last-x][data-visible=true]');
  for (const f of figures) least = Math.min(least, Number(f.dataset.lastX));
  return figures.length ? least : NaN;
}

window.addFinishedRun = ({ turns, noImmediateSpecificity, shareSigma }) => {
  const modules = ['model.layers.1.mlp.down_proj', 'model.layers.2.mlp.down_proj', 'model.layers.3.mlp.down_proj'];
  const run = syntheticRun({ seed: 11, turns, modules, editsPerTurn: 10, sampleEvery: 2 });
  for (const t of run.turns) {
    if (noImmediateSpecificity) delete t.immediate?.metrics.specificity;
    if (shareSigma) {
      const [, a, b] = t.diagnostics.modules;
      Object.assign(b, { conditionNumber: a.conditionNumber, lambdaMax: a.lambdaMax, meanDrift: a.meanDrift, covDrift: a.covDrift });
    }
  }
  const store = useRunsStore.getState();
  const id = store.addRun({ label: 'synthetic finished', config: { synthetic: true } });
  for (const record of run.turns) store.applyEvent(id, { type: 'turn', record });
  for (const record of run.metrics) store.applyEvent(id, { type: 'metrics', record });
  store.flush();
  store.setStatus(id, 'finished');
};

window.streamTurns = async ({ turns, perTick, tickMs }) => {
  const store = useRunsStore.getState();
  const modules = ['model.layers.1.mlp.down_proj', 'model.layers.2.mlp.down_proj', 'model.layers.3.mlp.down_proj'];
  const run = syntheticRun({ seed: 7, turns, modules, editsPerTurn: 20 });
  const id = store.addRun({ label: 'synthetic stream', config: { synthetic: true } });
  // Building the synthetic run is the test's own work, not the page's: let that task end and the new
  // run's empty charts be drawn before the long-task observer starts.
  await nextFrame();
  await nextFrame();
  const arrivedAt: number[] = [];
  const arrivedFrame: number[] = [];
  const lagFrames: number[] = [];
  const lagMs: number[] = [];
  const longTasks: number[] = [];
  let frame = 0;
  let streaming = true;
  const tick = () => {
    frame++;
    if (streaming) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  performance.mark('chart-stream:start');
  const lt = new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e.duration)));
  lt.observe({ type: 'longtask' });
  // A commit that draws new points changes data-last-x; read it right after the DOM changes.
  const mo = new MutationObserver(() => {
    const upTo = drawnUpTo();
    const now = performance.now();
    // The chart's x is the 1-based turn: point i (0-based event) is drawn once upTo ≥ i + 1.
    for (let i = lagFrames.length; i < arrivedAt.length && upTo >= i + 1; i++) {
      lagFrames.push(frame - arrivedFrame[i]);
      lagMs.push(now - arrivedAt[i]);
    }
  });
  mo.observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-last-x'] });
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    let i = 0;
    const timer = setInterval(() => {
      for (let k = 0; k < perTick && i < run.turns.length; k++, i++) {
        arrivedAt.push(performance.now());
        arrivedFrame.push(frame);
        useRunsStore.getState().applyEvent(id, { type: 'turn', record: run.turns[i] });
      }
      if (i >= run.turns.length) {
        clearInterval(timer);
        resolve();
      }
    }, tickMs);
  });
  // Let the last events be drawn, then stop measuring.
  const deadline = performance.now() + 2000;
  while (lagFrames.length < turns && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - t0) / 1000;
  streaming = false;
  mo.disconnect();
  lt.disconnect();
  const charts = document.querySelectorAll('figure[data-last-x][data-visible=true]').length;
  const all = [...document.querySelectorAll<HTMLElement>('figure.se-chart')];
  all.at(-1)?.scrollIntoView();
  await nextFrame();
  await nextFrame();
  await nextFrame();
  const drawn = Object.fromEntries(all.map((f) => [f.querySelector('h3')?.textContent ?? '?', Number(f.dataset.lastX)]));
  return { turns, lagFrames, lagMs, longTasks, charts, seconds, drawn };
};
