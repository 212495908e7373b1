/** A run's exported files share one readable stem: model, name or editor and settings, the run's start (engine/lab/export-name.ts). */
import { exportStem } from '../../engine/lab/export-name';
import type { LabRun } from './types';

export function runFileStem(run: Pick<LabRun, 'label' | 'config' | 'createdAt'>): string {
  const c = (run.config ?? {}) as { model?: unknown; editor?: unknown; lr?: unknown; ridge?: unknown };
  return exportStem({
    model: typeof c.model === 'string' ? c.model : undefined,
    editor: typeof c.editor === 'string' ? c.editor : undefined,
    lr: typeof c.lr === 'number' ? c.lr : undefined,
    ridge: typeof c.ridge === 'number' ? c.ridge : undefined,
    label: run.label,
    at: new Date(run.createdAt),
  });
}
