/** Export edited weights, metrics (CSV, JSON), per-edit results (EasyEdit layout), runs; import a saved run. */
import { useMemo, useState } from 'react';
import { downloadBlob, fileSafe } from '../charts/export-png';
import { metricsCsv } from '../lib/metrics-csv';
import { parseRunFileText, runFileJson } from '../runs/run-file';
import { runList, useRunsStore } from '../runs/store';
import { sendCommand } from '../engine-client';
import { useLabStore } from '../store';
import { ErrorNote } from './ErrorNote';
import { Panel } from './Panel';

export function ExportPanel() {
  const runsState = useRunsStore();
  const runs = useMemo(() => runList(runsState), [runsState.runs, runsState.order]);
  const loaded = useLabStore((s) => s.model.status === 'loaded');
  const [picked, setPicked] = useState<string>('');
  const [importError, setImportError] = useState<string | null>(null);
  const run = runs.find((r) => r.id === picked) ?? runs.at(-1);

  const text = (body: string, name: string, mime: string) => downloadBlob(new Blob([body], { type: mime }), name);
  const importFile = async (f: File | undefined) => {
    if (!f) return;
    setImportError(null);
    try {
      useRunsStore.getState().importRun(parseRunFileText(await f.text(), f.name));
    } catch (e) {
      setImportError((e as Error).message);
    }
  };

  return (
    <Panel title="Export and import" headingId="export-h">
      <div className="row">
        <button type="button" disabled={!loaded} onClick={() => sendCommand({ type: 'export/weights' })} data-testid="export-weights">
          Edited weights (.safetensors)
        </button>
        <span className="muted">the model as it stands: the last run’s edits plus any interactive edits</span>
      </div>
      <div className="row">
        <label>
          run{' '}
          <select value={run?.id ?? ''} onChange={(e) => setPicked(e.target.value)} data-testid="export-run">
            {runs.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          disabled={!run}
          onClick={() => run && text(metricsCsv(run.turns), `${fileSafe(run.label)}.metrics.csv`, 'text/csv')}
          data-testid="export-csv"
        >
          Metrics CSV
        </button>
        <button
          type="button"
          disabled={!run}
          onClick={() =>
            run &&
            text(
              JSON.stringify({ label: run.label, config: run.config, turns: run.turns, metrics: run.metrics, report: run.report }, null, 1),
              `${fileSafe(run.label)}.metrics.json`,
              'application/json',
            )
          }
          data-testid="export-json"
        >
          Metrics JSON
        </button>
        <button
          type="button"
          disabled={!run || run.status !== 'finished'}
          onClick={() => run && sendCommand({ type: 'export/per-edit', runId: run.id })}
          data-testid="export-easyedit"
          title="per-edit pre/post scores, EasyEdit layout"
        >
          Per-edit (EasyEdit JSON)
        </button>
        <button
          type="button"
          disabled={!run}
          onClick={() => run && text(runFileJson(run), `${fileSafe(run.label)}.run.json`, 'application/json')}
          data-testid="export-run-file"
        >
          Run file
        </button>
      </div>
      <div className="row">
        <label className="linklike">
          Import a saved run (.run.json)
          <input
            type="file"
            accept=".json"
            className="visually-hidden"
            onChange={(e) => void importFile(e.target.files?.[0])}
            data-testid="import-run"
          />
        </label>
      </div>
      {importError && (
        <div className="notice error" role="alert">
          <strong>Could not import:</strong> {importError}
          <div>Choose a file written by “Run file” above.</div>
        </div>
      )}
      <ErrorNote command={['export/weights', 'export/per-edit']} testId="export-error" />
    </Panel>
  );
}
