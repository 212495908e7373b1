/**
 * The runs the lab holds, in the conventions of experiment trackers: each run's colour swatch (the
 * colour of its lines in every chart) doubling as its show/hide switch, its name (edit to rename),
 * state and turns, and its actions — resume a run kept from before a reload, export it as JSON (the
 * run file) or metrics.csv, remove it. Optionally an importer for run files, whose errors name the
 * file and field at fault.
 */
import { useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { InputError } from '../../engine/types';
import { downloadBlob } from '../charts/export-png';
import { runFileStem } from './file-names';
import { runColors } from '../charts/palette';
import { metricsCsv } from '../lib/metrics-csv';
import { parseRunFileText, runFileJson } from './run-file';
import { runList, useRunsStore, type RunsStore } from './store';
import { isActive, runActions, statusLabel } from './status';
import { useRunView } from './view';
import { countOf } from '../format';

export interface RunsPanelProps {
  store?: RunsStore;
  /** Continuing stopped or interrupted runs from their checkpoint (the lab page passes it; the preview has no engine). */
  reopen?: { blocked: string | null; reopen: (runId: string) => void };
  /** Show the run-file importer (the lab page has one in its Export panel). */
  withImport?: boolean;
}

export function RunsPanel({ store = useRunsStore, reopen, withImport = true }: RunsPanelProps) {
  const runs = store(useShallow(runList));
  const removed = store((s) => s.removed);
  const colors = runColors(runs);
  const hidden = useRunView((s) => s.hidden);
  const setHidden = useRunView((s) => s.setHidden);
  const id = useId();
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);

  const importFiles = async (files: FileList | null) => {
    setMessage(null);
    for (const file of files ?? []) {
      try {
        const run = parseRunFileText(await file.text(), file.name);
        const newId = store.getState().importRun(run);
        setMessage({
          error: false,
          text: `imported “${run.label}” from ${file.name}${newId !== run.id ? ' (as a copy: a run with its id was already here)' : ''}`,
        });
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        setMessage({ error: true, text: `${e.message}. Pick a file written by “export run”.` });
      }
    }
  };

  return (
    <section className="se-runs" aria-label="Runs">
      {runs.length === 0 ? (
        <p className="se-muted">No runs yet.</p>
      ) : (
        <table className="se-table se-run-table" data-testid="run-list">
          <thead>
            <tr>
              <th scope="col">
                <span className="se-visually-hidden">Shown in the charts</span>
              </th>
              <th scope="col">Run</th>
              <th scope="col">State</th>
              <th scope="col">
                <span className="se-visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r, i) => (
              <tr key={r.id} className={hidden.has(r.id) ? 'se-run-hidden' : undefined}>
                <td>
                  <label
                    className="se-swatch"
                    style={{ ['--swatch' as string]: colors.get(r.id) }}
                    title={hidden.has(r.id) ? 'show in the charts' : 'hide from the charts'}
                  >
                    <input
                      type="checkbox"
                      checked={!hidden.has(r.id)}
                      onChange={(e) => setHidden(r.id, !e.target.checked)}
                      aria-label={`Show run ${r.label} in the charts`}
                      data-testid="run-shown"
                    />
                  </label>
                </td>
                <th scope="row">
                  <input
                    className="se-run-name"
                    aria-label={`Name of run ${i + 1}`}
                    title="rename"
                    value={r.label}
                    onChange={(e) => store.getState().setLabel(r.id, e.target.value)}
                    data-testid="run-name"
                  />
                </th>
                <td className="se-run-state">
                  {statusLabel(r.status)}, {countOf(r.turns.length, 'turn')}
                </td>
                <td className="se-run-actions">
                  {reopen && runActions(r.status).resume === 'reopen' && (
                    <button
                      type="button"
                      onClick={() => reopen.reopen(r.id)}
                      disabled={!!reopen.blocked}
                      title={reopen.blocked ?? 'continue from its last checkpoint'}
                      data-testid="run-reopen"
                      aria-label={`resume run ${r.label} from its last checkpoint`}
                    >
                      resume
                    </button>
                  )}
                  <button
                    type="button"
                    onClick={() => downloadBlob(new Blob([runFileJson(r)], { type: 'application/json' }), `${runFileStem(r)}.run.json`)}
                    aria-label={`Save run ${r.label} as a run file (JSON)`}
                  >
                    JSON
                  </button>
                  <button
                    type="button"
                    onClick={() => downloadBlob(new Blob([metricsCsv(r.turns)], { type: 'text/csv' }), `${runFileStem(r)}.metrics.csv`)}
                    aria-label={`Save the metrics of run ${r.label} as CSV`}
                  >
                    CSV
                  </button>
                  <button
                    type="button"
                    onClick={() => {
                      store.getState().removeRun(r.id);
                      // The undo that appears is where focus makes sense now (the row's buttons are gone).
                      requestAnimationFrame(() => document.getElementById(`${id}-undo`)?.focus());
                    }}
                    aria-label={`Remove run ${r.label}`}
                    disabled={isActive(r.status)}
                    title={isActive(r.status) ? 'stop the run first' : undefined}
                  >
                    ✕
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {removed && (
        <p role="status" className="se-removed" data-testid="run-removed">
          Removed run “{removed.run.label}” ({statusLabel(removed.run.status)}, {countOf(removed.run.turns.length, 'turn')}).{' '}
          <button type="button" id={`${id}-undo`} onClick={() => store.getState().undoRemove()} data-testid="run-undo">
            Undo
          </button>
        </p>
      )}
      {withImport && (
        <p>
          <label htmlFor={`${id}-import`}>Import a run file </label>
          <input
            id={`${id}-import`}
            type="file"
            accept=".json,application/json"
            multiple
            onChange={(e) => void importFiles(e.target.files)}
          />
        </p>
      )}
      {message && (
        <p role={message.error ? 'alert' : 'status'} className={message.error ? 'se-error' : 'se-muted'}>
          {message.text}
        </p>
      )}
    </section>
  );
}
