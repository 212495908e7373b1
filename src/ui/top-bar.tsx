/**
 * The bar pinned at the top of the lab: what is loaded (model, edit stream), the run controls and the
 * progress line — so Start is the first thing on the page, and the state of a run stays in view
 * while the charts scroll. Its height is published as --topbar-h for the sticky side panel.
 */
import { useLayoutEffect, useRef } from 'react';
import { RunControls } from './panels/run-panel';
import { useLabStore } from './store';

export function TopBar() {
  const ref = useRef<HTMLElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const publish = () => document.documentElement.style.setProperty('--topbar-h', `${el.offsetHeight}px`);
    publish();
    const ro = new ResizeObserver(publish);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return (
    <header className="topbar" ref={ref}>
      <h1 className="brand">StableEdit Lab</h1>
      <LoadedStatus />
      <RunControls />
    </header>
  );
}

/** Model and edit stream in a word each; each links to its section of the side panel. */
function LoadedStatus() {
  const model = useLabStore((s) => s.model);
  const edits = useLabStore((s) => s.data.edits);
  const scanning = useLabStore((s) => s.pending['data/scan'] !== undefined);
  const modelText =
    model.status === 'loaded'
      ? `${model.summary.name} · ${model.summary.backend === 'webgpu' ? 'WebGPU' : 'CPU'}`
      : model.status === 'loading'
        ? 'loading…'
        : 'none loaded';
  const dataText = edits ? `${edits.name} · ${edits.report.count.toLocaleString('en-US')} edits` : scanning ? 'reading…' : 'none given';
  return (
    <dl className="loaded" aria-label="Loaded">
      <div className={`chip ${model.status}`}>
        <dt>
          <a href="#model-h">Model</a>
        </dt>
        <dd data-testid="top-model">{modelText}</dd>
      </div>
      <div className={`chip ${edits ? 'loaded' : 'none'}`}>
        <dt>
          <a href="#data-h">Data</a>
        </dt>
        <dd data-testid="top-data">{dataText}</dd>
      </div>
    </dl>
  );
}
