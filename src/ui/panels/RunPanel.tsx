/**
 * Start and steer runs (the top bar's controls and progress line) and what a run reports that needs
 * reading (its failure, its warnings). The run the controls steer is the one last started or reopened.
 */
import { runList, useRunsStore } from '../runs/store';
import { useRunView } from '../runs/view';
import { sendCommand } from '../engine-client';
import { formatDuration } from '../format';
import { useLabStore } from '../store';
import { ErrorNote, Progress } from './ErrorNote';
import { useParsedSettings } from './SettingsPanel';

const RUN_COMMANDS = ['run/start', 'run/pause', 'run/resume', 'run/step', 'run/stop', 'run/reopen'] as const;

/** Whether a run could start now, and if not, why (shown beside Start). */
function useStartBlocked() {
  const { errors } = useParsedSettings();
  const model = useLabStore((s) => s.model);
  const edits = useLabStore((s) => s.data.edits);
  const invalid = Object.keys(errors).filter((k) => !k.startsWith('edit'));
  return model.status !== 'loaded'
    ? model.status === 'loading'
      ? 'the model is loading'
      : 'load a model first'
    : !edits
      ? 'give an edit stream first'
      : invalid.length
        ? `fix the settings: ${invalid.join(', ')}`
        : null;
}

export function RunControls() {
  const { config, form } = useParsedSettings();
  const model = useLabStore((s) => s.model);
  const edits = useLabStore((s) => s.data.edits);
  const runStates = useLabStore((s) => s.runStates);
  const starting = useLabStore((s) => s.pending['run/start'] !== undefined);
  const current = useRunView((s) => s.current);
  const setCurrent = useRunView((s) => s.setCurrent);
  const cur = current ? runStates[current] : undefined;
  const active = cur && (cur.state === 'running' || cur.state === 'paused');
  const blocked = useStartBlocked();

  const start = () => {
    const runs = runList(useRunsStore.getState());
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

  return (
    <div className="run-controls">
      <div className="toolbar" role="toolbar" aria-label="Run controls">
        <button
          type="button"
          className="primary"
          onClick={start}
          disabled={!!blocked || !!active || starting}
          data-testid="run-start"
          aria-describedby={blocked ? 'run-blocked' : undefined}
        >
          ▶ Start run
        </button>
        <button type="button" onClick={() => control('run/pause')} disabled={cur?.state !== 'running'} data-testid="run-pause">
          Pause
        </button>
        <button type="button" onClick={() => control('run/resume')} disabled={cur?.state !== 'paused'} data-testid="run-resume">
          Resume
        </button>
        <button type="button" onClick={() => control('run/step')} disabled={cur?.state !== 'paused'} data-testid="run-step">
          Step
        </button>
        <button type="button" onClick={() => control('run/stop')} disabled={!active} data-testid="run-stop">
          Stop
        </button>
      </div>
      {blocked && !active && (
        <span className="run-blocked" id="run-blocked">
          {blocked}
        </span>
      )}
      {current ? (
        <RunProgress runId={current} />
      ) : (
        <div className="run-progress idle">
          <span>{blocked ? 'not ready to run' : 'ready: the demo model and its edit stream are loaded'}</span>
        </div>
      )}
    </div>
  );
}

/** One line: state, turn i of n (the count the charts' turn axis uses), edits/s, ETA. */
function RunProgress({ runId }: { runId: string }) {
  const cur = useLabStore((s) => s.runStates[runId]);
  const turnsKept = useRunsStore((s) => s.runs[runId]?.turns.length ?? 0);
  const label = cur
    ? `${cur.state} · turn ${cur.step} of ${cur.steps}${cur.editsPerSecond ? ` · ${cur.editsPerSecond.toFixed(1)} edits/s` : ''}${cur.etaSeconds !== null && cur.state === 'running' ? ` · ETA ${formatDuration(cur.etaSeconds)}` : ''}`
    : turnsKept
      ? 'reopening from the last checkpoint…'
      : 'starting (scoring the model before editing)…';
  return (
    <div className="run-progress" data-testid="run-progress" data-state={cur?.state ?? 'starting'} aria-live="polite">
      <Progress value={cur?.step ?? 0} max={cur?.steps ?? 0} label={label} />
    </div>
  );
}

/** The current run's failure and latest warnings, and failed run commands: above the charts, where they are seen. */
export function RunNotices() {
  const current = useRunView((s) => s.current);
  const run = useRunsStore((s) => (current ? s.runs[current] : undefined));
  return (
    <>
      <ErrorNote command={[...RUN_COMMANDS]} testId="run-error" />
      {run?.error && (
        <div className="notice error" role="alert" data-testid="run-failed">
          <strong>The run stopped at {run.error.where}:</strong> {run.error.message}
          <div>Its turns, metrics and last checkpoint are kept. Change the settings (a smaller lr, another editor) and start again.</div>
        </div>
      )}
      {run?.warnings.slice(-3).map((w, i) => (
        <div className="notice" key={i}>
          {w.message}
        </div>
      ))}
    </>
  );
}

/** Reopening a run the worker does not hold (restored after a reload) from its OPFS checkpoint. */
export function useReopen() {
  const { form } = useParsedSettings();
  const runStates = useLabStore((s) => s.runStates);
  const starting = useLabStore((s) => s.pending['run/start'] !== undefined);
  const modelLoading = useLabStore((s) => s.model.status === 'loading');
  const setCurrent = useRunView((s) => s.setCurrent);
  const busy = Object.values(runStates).some((r) => r.state === 'running' || r.state === 'paused') || starting;
  const blocked = busy ? 'another run is going: stop it or let it finish first' : modelLoading ? 'wait for the model to load' : null;
  return {
    blocked,
    /** A run kept from before a reload, which the worker does not hold. */
    restored: (runId: string, status: string) => status === 'paused' && !runStates[runId],
    reopen: (runId: string) => {
      setCurrent(runId);
      sendCommand({ type: 'run/reopen', runId, editorMath: form.editorMath });
    },
  };
}
