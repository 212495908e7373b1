/**
 * The bar pinned at the top of the lab: what is loaded (model, edit stream), the run controls and the
 * progress line — so Start is the first thing on the page, and the state of a run stays in view
 * while the charts scroll. Its height is published as --topbar-h for the sticky side panel.
 */
import { useLayoutEffect, useRef } from 'react';
import { RunControls } from './panels/run-panel';
import { countOf } from './format';
import { useLabStore, type LabState } from './store';

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
  const failed = useLabStore((s) => s.errors['data/scan']);
  const data = dataChip(edits, failed?.message, scanning);
  return (
    <dl className="loaded" aria-label="Loaded">
      <div className={`chip ${model.status}`}>
        <dt>
          <a href="#model-h">Model</a>
        </dt>
        <dd data-testid="top-model">{modelText}</dd>
      </div>
      <div className={`chip ${data.state}`} data-testid="top-data-chip" data-state={data.state} title={data.text}>
        <dt>
          <a href="#data-h">Data</a>
        </dt>
        <dd data-testid="top-data">{data.text}</dd>
      </div>
    </dl>
  );
}

/**
 * The edit stream's pill: green only for a stream that read whole; a read that stopped or gave no
 * record, and a failed read, say so (the Data panel has the details).
 */
export function dataChip(
  edits: LabState['data']['edits'],
  failure: string | undefined,
  scanning: boolean,
): { state: 'loaded' | 'warn' | 'error' | 'none'; text: string } {
  if (scanning) return { state: 'none', text: 'reading…' };
  if (failure) return { state: 'error', text: `could not read: ${failure}` };
  if (!edits) return { state: 'none', text: 'none given' };
  const r = edits.report;
  if (r.count === 0) return { state: 'error', text: `${edits.name} · no valid records${r.stopped ? `: ${r.stopped.problem}` : ''}` };
  if (r.stopped)
    return {
      state: 'warn',
      text: `${edits.name} · ${countOf(r.count, 'edit')}, then stopped at record ${r.stopped.index}: ${r.stopped.problem}`,
    };
  return { state: 'loaded', text: `${edits.name} · ${countOf(r.count, 'edit')}` };
}
