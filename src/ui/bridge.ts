/**
 * Where worker events go besides the lab store: run events into the runs store (charts, comparison,
 * persistence), finished exports into downloads.
 */
import type { WorkerEvent } from '../protocol/messages';
import { runList, useRunsStore } from './runs/store';
import { runFileStem } from './runs/file-names';
import { downloadBlob } from './charts/export-png';
import { easyEditJson } from './lib/easyedit-json';
import { useLabStore } from './store';
import { applyModelPreset, useSettings } from './lab-settings';

export function routeEvent(ev: WorkerEvent): void {
  useLabStore.getState().applyEvent(ev);
  switch (ev.type) {
    case 'run/event': {
      const runs = useRunsStore.getState();
      if (runs.runs[ev.runId]) runs.applyEvent(ev.runId, ev.event);
      break;
    }
    case 'run/resumed': {
      // The checkpoint's turns and metrics replace what the page kept: the page may have seen turns
      // after the last checkpoint (they are run again) or not yet saved the last ones it saw.
      const runs = useRunsStore.getState();
      if (!runs.runs[ev.runId]) break;
      runs.flush();
      useRunsStore.setState((s) => {
        const run = s.runs[ev.runId];
        const { error: _error, report: _report, ...rest } = run;
        const seenTurns = Math.max(run.seenTurns ?? 0, run.turns.length);
        return {
          runs: { ...s.runs, [ev.runId]: { ...rest, seenTurns, turns: [...ev.turns], metrics: [...ev.metrics], version: run.version + 1 } },
        };
      });
      break;
    }
    case 'run/state': {
      // The worker's controller owns a run's status (runs/status.ts).
      const runs = useRunsStore.getState();
      const run = runs.runs[ev.runId];
      if (run && run.status !== ev.state) runs.setStatus(ev.runId, ev.state);
      break;
    }
    case 'command/failed': {
      // A refused start wrote nothing: the run the page added for it goes (its error stays on screen).
      if (ev.command !== 'run/start') break;
      const runs = useRunsStore.getState();
      for (const r of runList(runs)) if (r.status === 'starting') runs.removeRun(r.id);
      break;
    }
    case 'model/loaded':
      applyModelPreset(ev.model);
      break;
    case 'hypernet/ready':
      // A network edits the modules it was trained for, in their order: the form takes them and its editor.
      useSettings.getState().set({ editor: ev.network.editor, modules: [...ev.network.modules] });
      break;
    case 'export/ready':
      downloadBlob(new Blob([ev.bytes as Uint8Array<ArrayBuffer>], { type: ev.mime }), ev.name);
      break;
    case 'export/per-edit': {
      const run = useRunsStore.getState().runs[ev.runId];
      const name = `${run ? runFileStem(run) : ev.runId}.easyedit.json`;
      downloadBlob(new Blob([easyEditJson(ev.results)], { type: 'application/json' }), name);
      break;
    }
  }
}
