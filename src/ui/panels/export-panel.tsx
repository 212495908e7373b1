/** Export edited weights, metrics (CSV, JSON), per-edit results (EasyEdit layout), runs; import a saved run. */
import { useMemo, useState } from 'react';
import { downloadBlob } from '../charts/export-png';
import { runFileStem } from '../runs/file-names';
import { metricsCsv } from '../lib/metrics-csv';
import { parseRunFileText, runFileJson } from '../runs/run-file';
import { runList, useRunsStore } from '../runs/store';
import { sendCommand } from '../engine-client';
import { useLabStore } from '../store';
import { ErrorNote } from './error-note';
import { Panel } from './panel';
import { statusLabel } from '../runs/status';
import type { LabRun } from '../runs/types';

/**
 * Why the weights cannot be exported, or null: a run's weights need it finished (its edited modules
 * are saved then) and the model it edited loaded (the rest of the weights come from it).
 */
export function exportBlocked(loadedModel: string | null, run: LabRun | undefined): string | null {
  if (!loadedModel) return 'load a model first';
  if (!run) return null;
  if (run.status !== 'finished') return `the run is ${statusLabel(run.status)}: its weights are kept once it finishes`;
  const edited = (run.config as { model?: string } | null)?.model;
  if (edited && edited !== loadedModel) return `the run edited ${edited}; load it to export the run’s weights`;
  return null;
}

export function ExportPanel() {
  const runsState = useRunsStore();
  const runs = useMemo(() => runList(runsState), [runsState.runs, runsState.order]);
  const model = useLabStore((s) => s.model);
  const [picked, setPicked] = useState<string>('');
  const [weightsOf, setWeightsOf] = useState<string>('');
  const weightsRun = runs.find((r) => r.id === weightsOf);
  const weightsBlocked = exportBlocked(model.status === 'loaded' ? model.summary.name : null, weightsOf ? weightsRun : undefined);
  const [importError, setImportError] = useState<string | null>(null);
  const run = runs.find((r) => r.id === picked) ?? runs.at(-1);

  const text = (body: string, name: string, mime: string) => downloadBlob(new Blob([body], { type: mime }), name);
  const importFile = async (f: File | undefined) => {
    if (!f) return;
    setImportError(null);
    try {
      const run = parseRunFileText(await f.text(), f.name);
      const listed = useRunsStore.getState().runs[run.id];
      if (listed && listed.createdAt === run.createdAt) throw new Error(`${f.name} is run “${listed.label}”, which is already listed`);
      useRunsStore.getState().importRun(run);
    } catch (e) {
      setImportError((e as Error).message);
    }
  };

  return (
    <Panel title="Export and import" headingId="export-h">
      <div className="row">
        <label>
          weights of{' '}
          <select value={weightsOf} onChange={(e) => setWeightsOf(e.target.value)} data-testid="export-weights-of">
            <option value="">the model as it stands</option>
            {runs.map((r) => (
              <option key={r.id} value={r.id}>
                run {r.label}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          disabled={!!weightsBlocked}
          title={weightsBlocked ?? undefined}
          onClick={() => {
            const of = weightsOf ? runs.find((r) => r.id === weightsOf) : undefined;
            sendCommand({ type: 'export/weights', ...(weightsOf ? { runId: weightsOf } : {}), ...(of ? { stem: runFileStem(of) } : {}) });
          }}
          data-testid="export-weights"
        >
          Edited weights (.safetensors)
        </button>
        <span className="muted" data-testid="export-weights-note">
          {weightsBlocked ??
            (weightsOf
              ? 'the loaded model with the edited modules as this run left them'
              : 'the model as it stands: the last run’s edits plus any interactive edits')}
        </span>
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
          onClick={() => run && text(metricsCsv(run.turns), `${runFileStem(run)}.metrics.csv`, 'text/csv')}
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
              `${runFileStem(run)}.metrics.json`,
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
          title={
            run && run.status !== 'finished'
              ? `the run is ${statusLabel(run.status)}: per-edit scores are taken after its last turn`
              : 'per-edit pre/post scores, EasyEdit layout'
          }
        >
          Per-edit (EasyEdit JSON)
        </button>
        <button
          type="button"
          disabled={!run}
          onClick={() => run && text(runFileJson(run), `${runFileStem(run)}.run.json`, 'application/json')}
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
