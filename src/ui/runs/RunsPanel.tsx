/**
 * The runs the lab holds: rename, export as JSON (the run file), remove, and import a run file.
 * Import errors are shown beside the picker with the file and field at fault.
 */
import { useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { InputError } from '../../engine/types';
import { downloadBlob, fileSafe } from '../charts/export-png';
import { metricsCsv } from '../lib/metrics-csv';
import { parseRunFileText, runFileJson } from './run-file';
import { runList, useRunsStore, type RunsStore } from './store';

export function RunsPanel({ store = useRunsStore }: { store?: RunsStore }) {
  const runs = store(useShallow(runList));
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
      <table className="se-table">
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Status</th>
            <th scope="col">Turns</th>
            <th scope="col">Export</th>
            <th scope="col">
              <span className="se-visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id}>
              <th scope="row">
                <input
                  aria-label={`Name of run ${r.id}`}
                  value={r.label}
                  onChange={(e) => store.getState().setLabel(r.id, e.target.value)}
                />
              </th>
              <td>{r.status}</td>
              <td>{r.turns.length.toLocaleString('en-US')}</td>
              <td>
                <button
                  type="button"
                  onClick={() => downloadBlob(new Blob([runFileJson(r)], { type: 'application/json' }), `${fileSafe(r.label)}.run.json`)}
                >
                  run (JSON)
                </button>{' '}
                <button
                  type="button"
                  onClick={() => downloadBlob(new Blob([metricsCsv(r.turns)], { type: 'text/csv' }), `${fileSafe(r.label)}.metrics.csv`)}
                >
                  metrics.csv
                </button>
              </td>
              <td>
                <button
                  type="button"
                  onClick={() => store.getState().removeRun(r.id)}
                  aria-label={`Remove run ${r.label}`}
                  disabled={r.status === 'running'}
                  title={r.status === 'running' ? 'stop the run first' : undefined}
                >
                  remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
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
      {message && (
        <p role={message.error ? 'alert' : 'status'} className={message.error ? 'se-error' : 'se-muted'}>
          {message.text}
        </p>
      )}
    </section>
  );
}
