/**
 * A run's settings, validated in one place for the UI form, the URL and the CLI flags alike.
 */
import type { NiwPrior } from '../editors/editor';
import { editorNames } from '../editors/registry';
import { LOCATE_EDITORS, locateProblems, type LocateSettings } from '../editors/locate/settings';
import { scheduleProblem, WARMUP_PLACEMENTS, type WarmupPlacement } from './schedule';
import { HYPERNET_EDITOR_NAMES } from '../editors/hypernet/rledit-settings';

export interface RunConfig {
  editor: string;
  lr: number;
  ridge: number;
  niw?: NiwPrior;
  /** MEMIT / AlphaEdit settings over their defaults (editors/locate/settings.ts); other editors ignore them. */
  locate?: Partial<LocateSettings>;
  modules: string[];
  nEdits: number;
  subBatch: number;
  /** Target turns; default: as many as the stream allows. */
  turns?: number;
  warmupTurns: number;
  warmupPlacement: WarmupPlacement;
  /** Paper Table 13 "Warmup-100": warm-up updates statistics only, applies nothing. */
  warmupStatisticsOnly: boolean;
  /** Score each turn's edits right after its update. */
  immediateEval: boolean;
  /** Every this many target turns, score a sample of all edits so far (0: never). */
  sampleEvery: number;
  sampleSize: number;
  /** Score every edit after the last turn, and the pre-edit model on the same records first. */
  finalEval: boolean;
  /**
   * The sampled, final and pre-edit evaluations also answer by greedy generation and judge the text
   * (EasyEdit's WILD, docs/design.md §2). Unset: off (checkpoints written before it existed).
   */
  wildEval?: boolean;
  /**
   * ROME's fluency (n-gram entropy of sampled continuations) over this many of an evaluation's records
   * (the sample's first, or a seeded draw of the final set); 0 or unset: off.
   */
  fluencySize?: number;
  /**
   * Representation drift (docs/design.md §2) over this many prompts (the run's drift prompts, or a
   * seeded draw of the stream's): their final-layer states before editing, compared with every
   * sampled and the final evaluation. 0 or unset: off.
   */
  driftSize?: number;
  /**
   * General capability (docs/design.md §2; the run's general sets, RunInputs.general): scored before
   * editing, after the last turn, and with the sampled evaluation of every this many target turns —
   * a multiple of sampleEvery (unset: every sampled evaluation; 0: before and after only).
   */
  generalEvery?: number;
  /** Examples per general set, a seeded draw fixed for the run (unset: 100, the reference's number_of_tests). */
  generalSize?: number;
  /** Save a checkpoint every this many steps (0: never). */
  checkpointEvery: number;
  /**
   * Records per chunk of the pre-edit, sampled and final evaluations (default 1000, lifelong-run.ts):
   * each chunk reports progress, and the final evaluation checkpoints after each.
   */
  evalChunk?: number;
  seed: number;
}

export const DEFAULT_RUN: Omit<RunConfig, 'modules'> = {
  editor: 'stableedit',
  lr: 1e-6,
  ridge: 10,
  nEdits: 100,
  subBatch: 10,
  warmupTurns: 0,
  warmupPlacement: 'start',
  warmupStatisticsOnly: false,
  immediateEval: true,
  sampleEvery: 10,
  sampleSize: 100,
  finalEval: true,
  checkpointEvery: 10,
  seed: 0,
};

/** Every editor `run` takes: the capture-based ones of the editor core, then MEMIT and AlphaEdit. */
export const runEditorNames: readonly string[] = [...editorNames, ...LOCATE_EDITORS];

/**
 * Editors that edit with a meta-trained hypernetwork (editors/hypernet/, docs/design.md §8): a run
 * needs the trained network (RunInputs.hypernet; the CLI's --hypernet DIR, the page's imported
 * network, lab/hypernet-import.ts).
 */
export const HYPERNET_EDITORS = HYPERNET_EDITOR_NAMES;

export function isHypernetEditor(name: string): boolean {
  return (HYPERNET_EDITORS as readonly string[]).includes(name);
}

/** The editor's own settings (shared with `replay`, which runs an editor without a model). */
export function validateEditorSettings(
  c: Pick<RunConfig, 'editor' | 'lr' | 'ridge' | 'locate'>,
  names: readonly string[] = [...runEditorNames, ...HYPERNET_EDITORS],
): Record<string, string> {
  const bad: Record<string, string> = {};
  if (!names.includes(c.editor)) bad.editor = `unknown editor "${c.editor}"; one of ${names.join(', ')}`;
  for (const [k, v] of Object.entries(locateProblems(c.locate ?? {}))) bad[`locate.${k}`] = v;
  if (!(Number.isFinite(c.lr) && c.lr > 0)) bad.lr = `must be a positive number (got ${c.lr})`;
  if (!(Number.isFinite(c.ridge) && c.ridge > 0)) bad.ridge = `must be a positive number (got ${c.ridge})`;
  return bad;
}

/** How many records the edit stream and the warm-up source hold, when known (after loading them). */
export interface RecordCounts {
  targetRecords: number;
  warmupRecords?: number;
}

/**
 * Problems by field name; empty when the config is usable. With `counts`, also whether the schedule
 * fits the data (turns × n_edits records in the stream, warmupTurns × n_edits in the warm-up source).
 */
export function validateRunConfig(c: RunConfig, counts?: RecordCounts): Record<string, string> {
  const bad: Record<string, string> = {};
  const positiveInt = (k: keyof RunConfig, v: unknown) => {
    if (!(Number.isInteger(v) && (v as number) >= 1)) bad[k] = `must be a whole number ≥ 1 (got ${v})`;
  };
  const nonNegInt = (k: keyof RunConfig, v: unknown) => {
    if (!(Number.isInteger(v) && (v as number) >= 0)) bad[k] = `must be a whole number ≥ 0 (got ${v})`;
  };
  Object.assign(bad, validateEditorSettings(c));
  if (c.modules.length === 0) bad.modules = 'choose at least one module to edit';
  positiveInt('nEdits', c.nEdits);
  positiveInt('subBatch', c.subBatch);
  if (c.turns !== undefined) positiveInt('turns', c.turns);
  nonNegInt('warmupTurns', c.warmupTurns);
  if (!WARMUP_PLACEMENTS.includes(c.warmupPlacement)) bad.warmupPlacement = `one of ${WARMUP_PLACEMENTS.join(', ')}`;
  nonNegInt('sampleEvery', c.sampleEvery);
  positiveInt('sampleSize', c.sampleSize);
  if (c.fluencySize !== undefined) nonNegInt('fluencySize', c.fluencySize);
  if (c.driftSize !== undefined) nonNegInt('driftSize', c.driftSize);
  if (c.generalSize !== undefined) positiveInt('generalSize', c.generalSize);
  if (c.generalEvery !== undefined) {
    nonNegInt('generalEvery', c.generalEvery);
    if (!bad.generalEvery && c.generalEvery > 0 && !(c.sampleEvery > 0 && c.generalEvery % c.sampleEvery === 0))
      bad.generalEvery = `must be 0 or a multiple of sampleEvery (${c.sampleEvery}): general capability is scored with the sampled evaluations (got ${c.generalEvery})`;
  }
  nonNegInt('checkpointEvery', c.checkpointEvery);
  if (c.evalChunk !== undefined) positiveInt('evalChunk', c.evalChunk);
  // The seeded generator keeps 32 bits (util/rng.ts): a seed outside 0 … 2³² − 1 would repeat another's draws.
  if (!(Number.isInteger(c.seed) && c.seed >= 0 && c.seed <= 2 ** 32 - 1))
    bad.seed = `must be a whole number from 0 to 4294967295 (got ${c.seed}; seeds are 32-bit)`;
  if (counts && !bad.nEdits && !bad.turns && !bad.warmupTurns) Object.assign(bad, scheduleProblems(c, counts));
  return bad;
}

/** scheduleProblem's message, under the field to change. */
function scheduleProblems(c: RunConfig, { targetRecords, warmupRecords = 0 }: RecordCounts): Record<string, string> {
  const problem = scheduleProblem({ targetRecords, nEdits: c.nEdits, turns: c.turns, warmupRecords, warmupTurns: c.warmupTurns });
  if (!problem) return {};
  const field = /warm-up/.test(problem) ? 'warmupTurns' : c.turns !== undefined ? 'turns' : 'nEdits';
  return { [field]: problem };
}
