/** Start and steer runs; watch them on the dashboards; compare finished runs side by side. */
import { useMemo, useState } from 'react';
import { DiagnosticsDashboard } from '../charts/DiagnosticsDashboard';
import { ComparisonTable } from '../charts/ComparisonTable';
import { runList, useRunsStore } from '../runs/store';
import type { LabRun } from '../runs/types';
import { isActive, runActions, statusLabel } from '../runs/status';
import { scheduleProblem } from '../../engine/run/schedule';
import { sendCommand } from '../engine-client';
import { formatDuration } from '../format';
import { useLabStore } from '../store';
import { ErrorNote, Progress } from './ErrorNote';
import { useParsedSettings } from './SettingsPanel';

export function RunPanel() {
  const { config, errors, form } = useParsedSettings();
  const model = useLabStore((s) => s.model);
  const edits = useLabStore((s) => s.data.edits);
  const warmupData = useLabStore((s) => s.data.warmup);
  const progress = useLabStore((s) => s.runProgress);
  const starting = useLabStore((s) => s.pending['run/start'] !== undefined);
  const runsState = useRunsStore();
  const runs = useMemo(() => runList(runsState), [runsState.runs, runsState.order]);
  const [picked, setPicked] = useState<string | null>(null);
  // The run the toolbar steers: the one picked, else the latest (after a reload too).
  const run = runs.find((r) => r.id === picked) ?? runs.at(-1);
  const current = run?.id ?? null;
  const actions = run ? runActions(run.status) : null;
  const cur = current ? progress[current] : undefined;
  const busy = runs.some((r) => isActive(r.status)) || starting;
  const invalid = Object.keys(errors).filter((k) => !k.startsWith('edit'));
  const streams =
    edits &&
    scheduleProblem({
      targetRecords: edits.report.count,
      nEdits: config.nEdits,
      turns: config.turns,
      warmupRecords: warmupData?.report.count ?? 0,
      warmupTurns: config.warmupTurns,
    });
  const blocked =
    model.status !== 'loaded'
      ? 'load a model first'
      : !edits
        ? 'give an edit stream first'
        : invalid.length
          ? `fix the settings: ${invalid.join(', ')}`
          : streams
            ? streams
            : busy
              ? 'a run is going: stop it or let it finish first'
              : null;

  const start = () => {
    const label = `${config.editor} lr ${config.lr} λ ${config.ridge}`;
    const n = runs.filter((r) => r.label.startsWith(label)).length;
    const runId = useRunsStore.getState().addRun({
      label: n ? `${label} #${n + 1}` : label,
      config: { ...config, model: model.status === 'loaded' ? model.summary.name : undefined, data: edits?.name },
    });
    setPicked(runId);
    sendCommand({ type: 'run/start', runId, config, editorMath: form.editorMath });
  };
  const control = (type: 'run/pause' | 'run/resume' | 'run/step' | 'run/stop') => current && sendCommand({ type, runId: current });
  // A stopped run, or one a reload interrupted, continues from its checkpoint (the worker reopens it).
  const reopenBlocked = busy
    ? 'another run is going: stop it or let it finish first'
    : model.status === 'loading'
      ? 'wait for the model to load'
      : null;
  const reopen = (runId: string) => {
    setPicked(runId);
    sendCommand({ type: 'run/reopen', runId, editorMath: form.editorMath });
  };
  const resume = () => {
    if (!run || !actions?.resume) return;
    if (actions.resume === 'resume') control('run/resume');
    else reopen(run.id);
  };

  return (
    <section className="panel" aria-labelledby="run-h">
      <h2 id="run-h">Run</h2>
      <div className="row" role="toolbar" aria-label="Run controls">
        <button type="button" onClick={start} disabled={!!blocked} data-testid="run-start" title={blocked ?? undefined}>
          Start run
        </button>
        <button type="button" onClick={() => control('run/pause')} disabled={!actions?.pause} data-testid="run-pause">
          Pause
        </button>
        <button
          type="button"
          onClick={resume}
          disabled={!actions?.resume || (actions.resume === 'reopen' && !!reopenBlocked)}
          title={actions?.resume === 'reopen' ? (reopenBlocked ?? 'continue from its last checkpoint') : undefined}
          data-testid="run-resume"
        >
          Resume
        </button>
        <button type="button" onClick={() => control('run/step')} disabled={!actions?.step} data-testid="run-step">
          Step one turn
        </button>
        <button type="button" onClick={() => control('run/stop')} disabled={!actions?.stop} data-testid="run-stop">
          Stop
        </button>
        {blocked && (
          <span className="muted" data-testid="run-blocked">
            {blocked}
          </span>
        )}
      </div>
      <ErrorNote command={['run/start', 'run/pause', 'run/resume', 'run/step', 'run/stop', 'run/reopen']} testId="run-error" />
      {run && (
        <div data-testid="run-progress" data-state={run.status}>
          <Progress value={cur?.step ?? run.turns.length} max={cur?.steps ?? run.plan?.steps ?? 0} label={progressText(run, cur)} />
          <RunProblems runId={run.id} />
        </div>
      )}
      <RunList runs={runs} reopen={reopen} reopenBlocked={reopenBlocked} />
      <h3>Diagnostics</h3>
      <DiagnosticsDashboard runs={runs} />
      <h3>Comparison</h3>
      <div data-testid="comparison">
        <ComparisonTable runs={runs} />
      </div>
    </section>
  );
}

/** The progress line: the run's status (the same words as the run list), turns done, speed and ETA. */
function progressText(
  run: LabRun,
  p: { step: number; steps: number; editsPerSecond: number | null; etaSeconds: number | null } | undefined,
) {
  if (run.status === 'starting')
    return run.turns.length ? 'reopening from the last checkpoint…' : 'starting (scoring the model before editing)…';
  const steps = p?.steps ?? run.plan?.steps;
  const done = p?.step ?? run.turns.length;
  const parts = [statusLabel(run.status), steps ? `${done} of ${steps} turns` : `${done} turns`];
  if (p?.editsPerSecond && run.status === 'running') parts.push(`${p.editsPerSecond.toFixed(1)} edits/s`);
  if (p?.etaSeconds != null && run.status === 'running') parts.push(`ETA ${formatDuration(p.etaSeconds)}`);
  return parts.join(' · ');
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
  reopen: (runId: string) => void;
  reopenBlocked: string | null;
}

function RunList({ runs, reopen, reopenBlocked }: RunListProps) {
  const remove = useRunsStore((s) => s.removeRun);
  if (runs.length === 0) return null;
  return (
    <ul className="plain runs" data-testid="run-list">
      {runs.map((r) => (
        <li key={r.id}>
          <strong>{r.label}</strong>{' '}
          <span className="muted">
            {statusLabel(r.status)}, {r.turns.length} turns
          </span>{' '}
          {runActions(r.status).resume === 'reopen' && (
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
