/**
 * The run settings form: values kept as typed (strings), parsed and validated on every change with
 * the engine's validateRunConfig, and mirrored into the URL query so a link reproduces the
 * configuration (seed included).
 */
import { create } from 'zustand';
import { validateRunConfig, type RunConfig } from '../engine/run/config';
import { isLocateEditor, type LocateSettings } from '../engine/editors/locate/settings';
import { WARMUP_PLACEMENTS, type WarmupPlacement } from '../engine/run/schedule';
import { EDITOR_MATHS, type BackendChoice, type EditorMath } from '../protocol/messages';

export interface SettingsForm {
  editor: string;
  modules: string[];
  lr: string;
  ridge: string;
  nEdits: string;
  subBatch: string;
  turns: string;
  warmupTurns: string;
  warmupPlacement: string;
  warmupStatisticsOnly: boolean;
  kappa0: string;
  nu0: string;
  psi0: string;
  /** MEMIT / AlphaEdit settings; '' keeps the editor's reference default. */
  locSteps: string;
  locLr: string;
  locClamp: string;
  locMom2Weight: string;
  locL2: string;
  locSamples: string;
  sampleEvery: string;
  sampleSize: string;
  /** Steps between checkpoints (0: none); a run restored after a reload resumes from the last one. */
  checkpointEvery: string;
  seed: string;
  backend: BackendChoice;
  /** CPU (wasm) backend threads: '' for every core (up to a cap), else a count; applied at the page's first CPU model. */
  threads: string;
  /** Where the editor math of runs goes (the run/start command's editorMath; not in RunConfig). */
  editorMath: EditorMath;
  /** Interactive edits: lr and statistics records (same editor, λ and modules as runs). */
  editLr: string;
  editStats: string;
}

const NUMERIC = [
  'lr',
  'ridge',
  'nEdits',
  'subBatch',
  'turns',
  'warmupTurns',
  'kappa0',
  'nu0',
  'psi0',
  'locSteps',
  'locLr',
  'locClamp',
  'locMom2Weight',
  'locL2',
  'locSamples',
  'sampleEvery',
  'sampleSize',
  'checkpointEvery',
  'seed',
  'editLr',
  'editStats',
] as const;

export function formFromConfig(
  c: RunConfig,
  backend: BackendChoice,
  edit: { lr: number; statisticsRecords: number },
  editorMath: EditorMath = 'auto',
): SettingsForm {
  return {
    editor: c.editor,
    modules: [...c.modules],
    lr: String(c.lr),
    ridge: String(c.ridge),
    nEdits: String(c.nEdits),
    subBatch: String(c.subBatch),
    turns: c.turns === undefined ? '' : String(c.turns),
    warmupTurns: String(c.warmupTurns),
    warmupPlacement: c.warmupPlacement,
    warmupStatisticsOnly: c.warmupStatisticsOnly,
    kappa0: String(c.niw?.kappa0 ?? 0),
    nu0: String(c.niw?.nu0 ?? 0),
    psi0: String(c.niw?.psi0 ?? 0),
    ...(Object.fromEntries(
      Object.entries(LOCATE_FIELDS).map(([k, f]) => [k, c.locate?.[f] === undefined ? '' : String(c.locate[f])]),
    ) as Record<keyof typeof LOCATE_FIELDS, string>),
    sampleEvery: String(c.sampleEvery),
    sampleSize: String(c.sampleSize),
    checkpointEvery: String(c.checkpointEvery),
    seed: String(c.seed),
    backend,
    threads: '',
    editorMath,
    editLr: String(edit.lr),
    editStats: String(edit.statisticsRecords),
  };
}

/** Form field → MEMIT / AlphaEdit setting. */
export const LOCATE_FIELDS = {
  locSteps: 'steps',
  locLr: 'lr',
  locClamp: 'clampNorm',
  locMom2Weight: 'mom2Weight',
  locL2: 'l2',
  locSamples: 'mom2Samples',
} as const satisfies Record<string, keyof LocateSettings>;

/** A number as typed: '' and non-numbers are NaN so the validator names the field. */
function num(s: string): number {
  return s.trim() === '' ? NaN : Number(s);
}

/** The form as a RunConfig (over `base` for fields the form does not show) and problems by field. */
export function parseForm(f: SettingsForm, base: RunConfig): { config: RunConfig; errors: Record<string, string> } {
  const config: RunConfig = {
    ...base,
    editor: f.editor,
    modules: f.modules,
    lr: num(f.lr),
    ridge: num(f.ridge),
    nEdits: num(f.nEdits),
    subBatch: num(f.subBatch),
    turns: f.turns.trim() === '' ? undefined : num(f.turns),
    warmupTurns: num(f.warmupTurns),
    warmupPlacement: f.warmupPlacement as WarmupPlacement,
    warmupStatisticsOnly: f.warmupStatisticsOnly,
    sampleEvery: num(f.sampleEvery),
    sampleSize: num(f.sampleSize),
    checkpointEvery: num(f.checkpointEvery),
    seed: num(f.seed),
  };
  if (f.editor === 'stableedit-niw') config.niw = { kappa0: num(f.kappa0), nu0: num(f.nu0), psi0: num(f.psi0) };
  else delete config.niw;
  delete config.locate;
  if (isLocateEditor(f.editor)) {
    const locate: Partial<LocateSettings> = {};
    for (const [k, field] of Object.entries(LOCATE_FIELDS)) {
      const typed = f[k as keyof typeof LOCATE_FIELDS];
      if (typed.trim() !== '') locate[field] = num(typed);
    }
    config.locate = locate;
  }
  const errors = validateRunConfig(config);
  for (const [k, field] of Object.entries(LOCATE_FIELDS))
    if (errors[`locate.${field}`]) {
      errors[k] = errors[`locate.${field}`];
      delete errors[`locate.${field}`];
    }
  if (config.niw) {
    for (const k of ['kappa0', 'nu0', 'psi0'] as const) {
      const v = config.niw[k]!;
      if (!(Number.isFinite(v) && v >= 0)) errors[k] = `must be a number ≥ 0 (got ${f[k] || 'nothing'})`;
    }
  }
  const editLr = num(f.editLr);
  if (!(Number.isFinite(editLr) && editLr > 0)) errors.editLr = `must be a positive number (got ${f.editLr || 'nothing'})`;
  const stats = num(f.editStats);
  if (!(Number.isInteger(stats) && stats >= 2)) errors.editStats = `must be a whole number ≥ 2 (got ${f.editStats || 'nothing'})`;
  return { config, errors };
}

/** URL query for the form: every field, modules comma-separated. */
export function formToQuery(f: SettingsForm): string {
  const q = new URLSearchParams();
  q.set('editor', f.editor);
  q.set('modules', f.modules.join(','));
  for (const k of NUMERIC) q.set(k, f[k]);
  q.set('warmupPlacement', f.warmupPlacement);
  q.set('warmupStatisticsOnly', f.warmupStatisticsOnly ? '1' : '0');
  q.set('backend', f.backend);
  if (f.threads) q.set('threads', f.threads);
  q.set('editorMath', f.editorMath);
  return q.toString();
}

/** The threads a model load asks for; undefined: the default (every core, up to a cap). */
export function wasmThreadsOf(f: SettingsForm): number | undefined {
  return f.threads ? Number(f.threads) : undefined;
}

/** Fields present in the query replace the defaults; anything else in the query is left alone. */
export function formFromQuery(query: string, defaults: SettingsForm): { form: SettingsForm; fromUrl: boolean } {
  const q = new URLSearchParams(query);
  const form: SettingsForm = { ...defaults, modules: [...defaults.modules] };
  let fromUrl = false;
  const str = (k: string) => {
    const v = q.get(k);
    if (v !== null) fromUrl = true;
    return v;
  };
  const editor = str('editor');
  if (editor !== null) form.editor = editor;
  const modules = str('modules');
  if (modules !== null) form.modules = modules.split(',').filter(Boolean);
  for (const k of NUMERIC) {
    const v = str(k);
    if (v !== null) form[k] = v;
  }
  const placement = str('warmupPlacement');
  if (placement !== null)
    form.warmupPlacement = (WARMUP_PLACEMENTS as readonly string[]).includes(placement) ? placement : defaults.warmupPlacement;
  const statsOnly = str('warmupStatisticsOnly');
  if (statsOnly !== null) form.warmupStatisticsOnly = statsOnly === '1' || statsOnly === 'true';
  const backend = str('backend');
  if (backend === 'auto' || backend === 'webgpu' || backend === 'wasm') form.backend = backend;
  const threads = str('threads');
  if (threads !== null && /^(|[1-9]\d{0,2})$/.test(threads)) form.threads = threads;
  const editorMath = str('editorMath');
  if ((EDITOR_MATHS as readonly string[]).includes(editorMath ?? '')) form.editorMath = editorMath as EditorMath;
  return { form, fromUrl };
}

export interface SettingsStore {
  form: SettingsForm;
  /** The modules came from the URL: a model load must not replace them with its preset. */
  modulesFromUrl: boolean;
  set(patch: Partial<SettingsForm>): void;
}

export function createSettingsStore(defaults: SettingsForm, query: string, onChange: (f: SettingsForm) => void = () => {}) {
  const { form, fromUrl } = formFromQuery(query, defaults);
  return create<SettingsStore>()((set, get) => ({
    form,
    modulesFromUrl: fromUrl && new URLSearchParams(query).has('modules'),
    set(patch) {
      const next = { ...get().form, ...patch };
      set({ form: next, modulesFromUrl: patch.modules ? false : get().modulesFromUrl });
      onChange(next);
    },
  }));
}
