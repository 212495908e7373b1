/** Start and steer runs; watch them on the dashboards; compare finished runs side by side. */
import { useMemo, useState } from 'react';
import { DiagnosticsDashboard } from '../charts/DiagnosticsDashboard';
import { ComparisonTable } from '../charts/ComparisonTable';
import { runList, useRunsStore } from '../runs/store';
import type { LabRun } from '../runs/types';
import { sendCommand } from '../engine-client';
import { formatDuration } from '../format';
import { useLabStore } from '../store';
import { ErrorNote, Progress } from './ErrorNote';
import { useParsedSettings } from './SettingsPanel';

export function RunPanel() {
  const { config, errors, form } = useParsedSettings();
  const model = useLabStore((s) => s.model);
  const edits = useLabStore((s) => s.data.edits);
  const runStates = useLabStore((s) => s.runStates);
  const starting = useLabStore((s) => s.pending['run/start'] !== undefined);
  const runsState = useRunsStore();
  const runs = useMemo(() => runList(runsState), [runsState.runs, runsState.order]);
  const [current, setCurrent] = useState<string | null>(null);
  const cur = current ? runStates[current] : undefined;
  const active = cur && (cur.state === 'running' || cur.state === 'paused');
  const invalid = Object.keys(errors).filter((k) => !k.startsWith('edit'));
  const blocked =
    model.status !== 'loaded'
      ? 'load a model first'
      : !edits
        ? 'give an edit stream first'
        : invalid.length
          ? `fix the settings: ${invalid.join(', ')}`
          : null;

  const start = () => {
    const label = `${config.editor} lr ${config.lr} λ ${config.ridge}`;
    const n = runs.filter((r) => r.label.startsWith(label)).length;
    const runId = useRunsStore.getState().addRun({
      label: n ? `${label} #${n + 1}` : label,
      config: { ...config, model: model.status === 'loaded' ? model.summary.name : undefined, data: edits?.name },
    });
    setCurrent(runId);
    sendCommand({ type: 'run/start', runId, config, editorMath: form.editorMath });
  };
  const control = (type: 'run/pause' | 'run/resume' | 'run/step' | 'run/stop') => current && sendCommand({ type, runId: current });
  // A run the worker does not hold (restored after a reload) is reopened from its OPFS checkpoint.
  const busy = Object.values(runStates).some((r) => r.state === 'running' || r.state === 'paused') || starting;
  const reopenBlocked = busy
    ? 'another run is going: stop it or let it finish first'
    : model.status === 'loading'
      ? 'wait for the model to load'
      : null;
  const reopen = (runId: string) => {
    setCurrent(runId);
    sendCommand({ type: 'run/reopen', runId, editorMath: form.editorMath });
  };

  return (
    <section className="panel" aria-labelledby="run-h">
      <h2 id="run-h">Run</h2>
      <div className="row" role="toolbar" aria-label="Run controls">
        <button
          type="button"
          onClick={start}
          disabled={!!blocked || !!active || starting}
          data-testid="run-start"
          title={blocked ?? undefined}
        >
          Start run
        </button>
        <button type="button" onClick={() => control('run/pause')} disabled={cur?.state !== 'running'} data-testid="run-pause">
          Pause
        </button>
        <button type="button" onClick={() => control('run/resume')} disabled={cur?.state !== 'paused'} data-testid="run-resume">
          Resume
        </button>
        <button type="button" onClick={() => control('run/step')} disabled={cur?.state !== 'paused'} data-testid="run-step">
          Step one turn
        </button>
        <button type="button" onClick={() => control('run/stop')} disabled={!active} data-testid="run-stop">
          Stop
        </button>
        {blocked && <span className="muted">{blocked}</span>}
      </div>
      <ErrorNote command={['run/start', 'run/pause', 'run/resume', 'run/step', 'run/stop', 'run/reopen']} testId="run-error" />
      {current && (
        <div data-testid="run-progress" data-state={cur?.state ?? 'starting'}>
          <Progress
            value={cur?.step ?? 0}
            max={cur?.steps ?? 0}
            label={
              cur
                ? `${cur.state} · turn ${cur.step} of ${cur.steps}${cur.editsPerSecond ? ` · ${cur.editsPerSecond.toFixed(1)} edits/s` : ''}${cur.etaSeconds !== null && cur.state === 'running' ? ` · ETA ${formatDuration(cur.etaSeconds)}` : ''}`
                : runs.find((r) => r.id === current)?.turns.length
                  ? 'reopening from the last checkpoint…'
                  : 'starting (scoring the model before editing)…'
            }
          />
          <RunProblems runId={current} />
        </div>
      )}
      <RunList runs={runs} restored={(r) => r.status === 'paused' && !runStates[r.id]} reopen={reopen} reopenBlocked={reopenBlocked} />
      <h3>Diagnostics</h3>
      <DiagnosticsDashboard runs={runs} />
      <h3>Comparison</h3>
      <div data-testid="comparison">
        <ComparisonTable runs={runs} />
      </div>
    </section>
  );
}

function RunProblems({ runId }: { runId: string }) {
  const run = useRunsStore((s) => s.runs[runId]);
  if (!run) return null;
  return (
    <>
      {run.error && (
        <div className="notice error" role="alert" data-testid="run-failed">
          <strong>The run stopped at {run.error.where}:</strong> {run.error.message}
          <div>Its turns, metrics and last checkpoint are kept. Change the settings (a smaller lr, another editor) and start again.</div>
        </div>
      )}
      {run.warnings.slice(-3).map((w, i) => (
        <div className="notice" key={i}>
          {w.message}
        </div>
      ))}
    </>
  );
}

interface RunListProps {
  runs: LabRun[];
  /** Runs kept from before a reload, which the worker does not hold. */
  restored: (r: LabRun) => boolean;
  reopen: (runId: string) => void;
  reopenBlocked: string | null;
}

function RunList({ runs, restored, reopen, reopenBlocked }: RunListProps) {
  const remove = useRunsStore((s) => s.removeRun);
  if (runs.length === 0) return null;
  return (
    <ul className="plain runs" data-testid="run-list">
      {runs.map((r) => (
        <li key={r.id}>
          <strong>{r.label}</strong>{' '}
          <span className="muted">
            {r.status}, {r.turns.length} turns
          </span>{' '}
          {restored(r) && (
            <button
              type="button"
              className="small"
              onClick={() => reopen(r.id)}
              disabled={!!reopenBlocked}
              title={reopenBlocked ?? 'continue from its last checkpoint'}
              data-testid="run-reopen"
              aria-label={`resume run ${r.label} from its last checkpoint`}
            >
              resume
            </button>
          )}{' '}
          <button type="button" className="small" onClick={() => remove(r.id)} aria-label={`remove run ${r.label}`}>
            remove
          </button>
        </li>
      ))}
    </ul>
  );
}
