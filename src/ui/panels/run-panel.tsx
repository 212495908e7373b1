/**
 * Start and steer runs (the top bar's controls and progress line) and what a run reports that needs
 * reading (its failure, its warnings). The controls steer the run last started or reopened, else the
 * latest one (after a reload too). Every state shown comes from the run's status through
 * runs/status.ts, so the progress line, the run list and the toolbar agree.
 */
import { useEffect, useRef, useState } from 'react';
import { scheduleProblem } from '../../engine/run/schedule';
import { isActive, runActions, statusLabel } from '../runs/status';
import { runList, useRunsStore } from '../runs/store';
import type { LabRun } from '../runs/types';
import { useRunView } from '../runs/view';
import { useShallow } from 'zustand/react/shallow';
import { sendCommand } from '../engine-client';
import { countOf, formatDuration } from '../format';
import { useLabStore } from '../store';
import { ErrorNote, Progress } from './error-note';
import { useParsedSettings } from './settings-panel';

const RUN_COMMANDS = ['run/start', 'run/pause', 'run/resume', 'run/step', 'run/stop', 'run/reopen'] as const;

/** The run the controls steer: the one picked (started or reopened here), else the latest. */
function useSteeredRun(): LabRun | undefined {
  const runs = useRunsStore(useShallow(runList));
  const picked = useRunView((s) => s.current);
  return runs.find((r) => r.id === picked) ?? runs.at(-1);
}

/** Nothing may start while a run is going or a start is pending. */
function useBusy(): boolean {
  const starting = useLabStore((s) => s.pending['run/start'] !== undefined);
  const active = useRunsStore((s) => Object.values(s.runs).some((r) => isActive(r.status)));
  return active || starting;
}

type ControlName = 'start' | 'pause' | 'resume';

/**
 * After Start, Pause or Resume the pressed button is disabled and the browser drops focus to the
 * page; focus goes instead to the control that makes sense next (Pause after Start or Resume, Resume
 * after Pause, Start after Stop) once the run's state enables it.
 */
function useFocusNext(enabled: Record<ControlName, boolean>) {
  const refs = { start: useRef<HTMLButtonElement>(null), pause: useRef<HTMLButtonElement>(null), resume: useRef<HTMLButtonElement>(null) };
  const [want, setWant] = useState<ControlName | null>(null);
  useEffect(() => {
    if (!want || !enabled[want]) return;
    const pressed = document.activeElement;
    // Only while focus is lost or still on the control just pressed: never steal it from elsewhere.
    if (pressed === document.body || pressed === null || (pressed instanceof HTMLButtonElement && pressed.closest('.run-controls')))
      refs[want].current?.focus();
    setWant(null);
  }, [want, enabled.start, enabled.pause, enabled.resume]);
  return { refs, focusNext: setWant };
}

export function RunControls() {
  const { config, errors, form } = useParsedSettings();
  const model = useLabStore((s) => s.model);
  const edits = useLabStore((s) => s.data.edits);
  const warmupData = useLabStore((s) => s.data.warmup);
  const setPicked = useRunView((s) => s.setCurrent);
  const run = useSteeredRun();
  const current = run?.id ?? null;
  const actions = run ? runActions(run.status) : null;
  const busy = useBusy();
  const { reopen, blocked: reopenBlocked } = useReopen();
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
      ? model.status === 'loading'
        ? 'the model is loading'
        : 'load a model first'
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
    const runs = runList(useRunsStore.getState());
    const label = `${config.editor} lr ${config.lr} λ ${config.ridge}`;
    const n = runs.filter((r) => r.label.startsWith(label)).length;
    const runId = useRunsStore.getState().addRun({
      label: n ? `${label} #${n + 1}` : label,
      config: { ...config, model: model.status === 'loaded' ? model.summary.name : undefined, data: edits?.name },
    });
    setPicked(runId);
    focusNext('pause');
    sendCommand({ type: 'run/start', runId, config, editorMath: form.editorMath });
  };
  const resumeBlocked = !actions?.resume || (actions.resume === 'reopen' && !!reopenBlocked);
  const { refs, focusNext } = useFocusNext({ start: !blocked, pause: !!actions?.pause, resume: !resumeBlocked });
  const control = (type: 'run/pause' | 'run/resume' | 'run/step' | 'run/stop') => {
    if (!current) return;
    focusNext(type === 'run/pause' ? 'resume' : type === 'run/resume' ? 'pause' : type === 'run/stop' ? 'start' : null);
    sendCommand({ type, runId: current });
  };
  const resume = () => {
    if (!run || !actions?.resume) return;
    if (actions.resume === 'resume') control('run/resume');
    else {
      focusNext('pause');
      reopen(run.id);
    }
  };

  return (
    <div className="run-controls">
      <div className="toolbar" role="toolbar" aria-label="Run controls">
        <button
          type="button"
          className="primary"
          ref={refs.start}
          onClick={start}
          disabled={!!blocked}
          data-testid="run-start"
          title={blocked ?? undefined}
          aria-describedby={blocked ? 'run-blocked' : undefined}
        >
          ▶ Start run
        </button>
        <button type="button" ref={refs.pause} onClick={() => control('run/pause')} disabled={!actions?.pause} data-testid="run-pause">
          Pause
        </button>
        <button
          type="button"
          ref={refs.resume}
          onClick={resume}
          disabled={resumeBlocked}
          title={actions?.resume === 'reopen' ? (reopenBlocked ?? 'continue from its last checkpoint') : undefined}
          data-testid="run-resume"
        >
          Resume
        </button>
        <button type="button" onClick={() => control('run/step')} disabled={!actions?.step} data-testid="run-step">
          Step
        </button>
        <button type="button" onClick={() => control('run/stop')} disabled={!actions?.stop} data-testid="run-stop">
          Stop
        </button>
      </div>
      {blocked && (
        <span className="run-blocked" id="run-blocked" data-testid="run-blocked">
          {blocked}
        </span>
      )}
      {run ? (
        <RunProgress run={run} />
      ) : (
        <div className="run-progress idle">
          <span>{blocked ? 'not ready to run' : 'ready: the demo model and its edit stream are loaded'}</span>
        </div>
      )}
    </div>
  );
}

/** One line: status (the run list's words), turns done of planned (the count the charts' turn axis uses), edits/s, ETA. */
function RunProgress({ run }: { run: LabRun }) {
  const p = useLabStore((s) => s.runProgress[run.id]);
  return (
    <div className="run-progress" data-testid="run-progress" data-state={run.status} aria-live="polite">
      <Progress value={turnsShown(run, p)} max={p?.steps ?? run.plan?.steps ?? 0} label={progressText(run, p)} />
    </div>
  );
}

/** The progress counter: turns done, never fewer than the page has already shown (a reopened run redoes turns after its checkpoint). */
function turnsShown(run: LabRun, p: { step: number } | undefined): number {
  return Math.max(p?.step ?? 0, run.turns.length, run.seenTurns ?? 0);
}

function progressText(
  run: LabRun,
  p: { step: number; steps: number; editsPerSecond: number | null; etaSeconds: number | null } | undefined,
) {
  const a = run.activity;
  if (a && (run.status === 'starting' || run.status === 'running'))
    return `${statusLabel(run.status)} · ${a.what}: ${a.done.toLocaleString('en-US')} of ${a.total.toLocaleString('en-US')}${
      a.etaSeconds !== undefined ? ` · ETA ${formatDuration(a.etaSeconds)}` : ''
    }`;
  if (run.status === 'starting')
    return run.turns.length ? 'reopening from the last checkpoint…' : 'starting (scoring the model before editing)…';
  const steps = p?.steps ?? run.plan?.steps;
  const done = turnsShown(run, p);
  // The turn the run is at: its turn records may be ahead of the last progress report, never behind.
  const at = Math.max(p?.step ?? 0, run.turns.length);
  const parts = [statusLabel(run.status), steps ? `${done} of ${steps} turns` : countOf(done, 'turn')];
  if (at < done) parts.push(`turn${done - at > 1 ? `s ${at + 1}–${done}` : ` ${done}`} again from the checkpoint`);
  if (p?.editsPerSecond && run.status === 'running') parts.push(`${p.editsPerSecond.toFixed(1)} edits/s`);
  if (p?.etaSeconds != null && run.status === 'running') parts.push(`ETA ${formatDuration(p.etaSeconds)}`);
  return parts.join(' · ');
}

/** The steered run's failure and latest warnings, and failed run commands: above the charts, where they are seen. */
export function RunNotices() {
  const run = useSteeredRun();
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

/** Continuing a stopped run, or one a reload interrupted, from its checkpoint (the worker reopens it). */
export function useReopen() {
  const { form } = useParsedSettings();
  const busy = useBusy();
  const modelLoading = useLabStore((s) => s.model.status === 'loading');
  const setPicked = useRunView((s) => s.setCurrent);
  const blocked = busy ? 'another run is going: stop it or let it finish first' : modelLoading ? 'wait for the model to load' : null;
  return {
    blocked,
    reopen: (runId: string) => {
      setPicked(runId);
      sendCommand({ type: 'run/reopen', runId, editorMath: form.editorMath });
    },
  };
}
