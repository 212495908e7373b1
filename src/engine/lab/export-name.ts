/**
 * What exported files are called and what the weights file says about itself. A name a person can
 * read in a downloads folder — model, editor, settings, date — instead of an internal run id; and
 * safetensors metadata holding the run's settings and the lab's version, as EasyEdit users expect
 * next to an edited checkpoint (its hparams: alg_name, model_name, layers, lr).
 */
import type { RunConfig } from '../run/config';

export interface ExportNameParts {
  model?: string;
  editor?: string;
  lr?: number;
  ridge?: number;
  /** A name the user gave the run (left out when it only repeats editor and settings). */
  label?: string;
  at: Date;
}

/** Letters, digits, '.', '_' and '-' only; runs of anything else become one '-'. */
function slug(s: string): string {
  return s
    .replace(/λ/g, 'ridge')
    .replace(/[^\w.]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** 2026-12-07-1612, in the user's time zone (the date they will look for). */
function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}`;
}

/** e.g. `demo-built-in-stableedit-lr0.001-ridge10-2026-12-07-1612` (extension added by the caller). */
export function exportStem(p: ExportNameParts): string {
  const settings = [p.editor, p.lr !== undefined ? `lr${p.lr}` : '', p.ridge !== undefined ? `ridge${p.ridge}` : ''].filter(Boolean);
  const auto = p.editor ? `${p.editor} lr ${p.lr} λ ${p.ridge}` : '';
  const custom = p.label && !p.label.startsWith(auto || '\u0000') ? p.label : '';
  return [p.model, custom, ...settings, stamp(p.at)]
    .filter((x): x is string => !!x)
    .map(slug)
    .filter(Boolean)
    .join('-')
    .slice(0, 160);
}

/** The safetensors metadata of an edited model (every value a string, as the format requires). */
export function editedModelMetadata(source: string, labVersion: string, run?: { id: string; config?: RunConfig }): Record<string, string> {
  const out: Record<string, string> = { source, model_name: source, lab: 'stableedit-lab', lab_version: labVersion };
  if (!run) return { ...out, edited_by: 'the model as it stood in the lab (runs and interactive edits)' };
  out.run = run.id;
  const c = run.config;
  if (!c) return out;
  return {
    ...out,
    alg_name: c.editor,
    editor: c.editor,
    lr: String(c.lr),
    ridge: String(c.ridge),
    layers: c.modules.join(','),
    n_edits: String(c.nEdits),
    sub_batch: String(c.subBatch),
    turns: String(c.turns ?? ''),
    warmup_turns: String(c.warmupTurns),
    warmup_statistics_only: String(c.warmupStatisticsOnly),
    seed: String(c.seed),
    run_config: JSON.stringify(c),
  };
}
