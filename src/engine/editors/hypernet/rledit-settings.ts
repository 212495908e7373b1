/**
 * The hypernetwork editors' settings, preset from the reference's config/editor/rledit.yaml,
 * mend.yaml and malmen.yaml (MINE-USTC/StableEdit; rledit.yaml has the same values as
 * zhrli324/RLEdit's): every one a flag of `train-editor` (docs/design.md §8).
 */
import { InputError } from '../../types';

export const HYPERNET_EDITOR_NAMES = ['rledit', 'mend', 'malmen'] as const;
export type HypernetEditorName = (typeof HYPERNET_EDITOR_NAMES)[number];

/** Settings of RLEdit's sequential training that BaseEditor.train (MEND's and MALMEN's: one edit a step, Adam every step) has no use for. */
export const RLEDIT_ONLY: readonly (keyof RLEditSettings)[] = ['timeDecay', 'backDepth', 'updateEvery', 'regCoef'];

/** Each editor's settings it does not use (refused when set to anything but its preset). */
export const UNUSED_SETTINGS: Record<HypernetEditorName, readonly (keyof RLEditSettings)[]> = {
  rledit: ['netBatch'],
  mend: [...RLEDIT_ONLY, 'netBatch'],
  malmen: RLEDIT_ONLY,
};

export interface RLEditSettings {
  /** Which editor the network is for: RLEdit (sequential trajectories, ridge solve), MEND (no solve) or MALMEN (ridge solve, one edit a step). */
  editor: HypernetEditorName;
  /** rank of each block's A [S, r] B [r, S]. */
  rank: number;
  nBlocks: number;
  /** lr: the initial per-module step size lr[m] (then learned). */
  lr: number;
  /** meta_lr: Adam's step size. */
  metaLr: number;
  /** loc_coef: weight of the locality KL. */
  locCoef: number;
  /** max_grad_norm: clip_grad_norm_ of the accumulated gradient after every step. */
  maxGradNorm: number;
  /** n_epochs: passes over the training trajectory. */
  epochs: number;
  /** reg_coef: weight of ‖ΔW‖² (docs/design.md §8: the reference adds it as a constant). */
  regCoef: number;
  /** time_decay: weight decay^j of the losses of the edit j steps back. */
  timeDecay: number;
  /** back_depth: how many steps back the equivalence and locality losses reach (this one included). */
  backDepth: number;
  /**
   * Turns between Adam steps; 0 (the reference) = one step at the end of each epoch's trajectory,
   * the gradient accumulated over it (clipped after every turn).
   */
  updateEvery: number;
  /** Seed of A's N(0, 1) initialisation and of the training order. */
  seed: number;
  /** MALMEN's batch_size: rows of keys the network runs on at once (its memory economy; changes no value). */
  netBatch: number;
}

export const RLEDIT_DEFAULTS: RLEditSettings = {
  editor: 'rledit',
  rank: 1024,
  nBlocks: 4,
  lr: 1e-6,
  metaLr: 1e-5,
  locCoef: 0.6,
  maxGradNorm: 1,
  epochs: 1,
  regCoef: 1e-4,
  timeDecay: 0.95,
  backDepth: 10,
  updateEvery: 0,
  seed: 0,
  netBatch: 128,
};

/** config/editor/mend.yaml (its reg_coef and the trajectory settings are not used by its training). */
export const MEND_DEFAULTS: RLEditSettings = {
  ...RLEDIT_DEFAULTS,
  editor: 'mend',
  rank: 1920,
  nBlocks: 2,
  locCoef: 1,
  regCoef: 0,
  backDepth: 1,
  updateEvery: 1,
};

/**
 * config/editor/malmen.yaml: rledit.yaml's network and step sizes, batch_size 128; it trains by
 * BaseEditor.train as MEND does, so its reg_coef (1e-4 in the yaml) is read by no code and is 0 here.
 */
export const MALMEN_DEFAULTS: RLEditSettings = {
  ...RLEDIT_DEFAULTS,
  editor: 'malmen',
  regCoef: 0,
  backDepth: 1,
  updateEvery: 1,
};

export const HYPERNET_DEFAULTS: Record<HypernetEditorName, RLEditSettings> = {
  rledit: RLEDIT_DEFAULTS,
  mend: MEND_DEFAULTS,
  malmen: MALMEN_DEFAULTS,
};

const INTEGER: readonly (keyof RLEditSettings)[] = ['rank', 'nBlocks', 'epochs', 'backDepth', 'updateEvery', 'seed', 'netBatch'];

export function rleditSettings(given: Partial<RLEditSettings> = {}): RLEditSettings {
  const editor = given.editor ?? 'rledit';
  if (!HYPERNET_EDITOR_NAMES.includes(editor)) throw new InputError('hypernetwork settings', `unknown editor "${editor}"`);
  const s = { ...HYPERNET_DEFAULTS[editor], ...given };
  const bad: string[] = [];
  for (const k of UNUSED_SETTINGS[editor])
    if (s[k] !== HYPERNET_DEFAULTS[editor][k]) bad.push(`${k} is a setting of ${users(k)}, not ${editor}'s`);
  for (const [k, v] of Object.entries(s).filter(([k]) => k !== 'editor') as [keyof RLEditSettings, number][]) {
    if (!Number.isFinite(v)) bad.push(`${k} must be a finite number, got ${v}`);
    else if (INTEGER.includes(k) && !Number.isInteger(v)) bad.push(`${k} must be an integer, got ${v}`);
  }
  for (const k of ['rank', 'nBlocks', 'epochs', 'backDepth', 'metaLr', 'maxGradNorm', 'netBatch'] as const)
    if (!(s[k] > 0)) bad.push(`${k} must be > 0, got ${s[k]}`);
  for (const k of ['locCoef', 'regCoef', 'timeDecay', 'updateEvery', 'seed'] as const)
    if (!(s[k] >= 0)) bad.push(`${k} must be ≥ 0, got ${s[k]}`);
  if (bad.length) throw new InputError(`${editor} settings`, bad.join('; '));
  return s;
}

/** The editors that use setting k. */
export function users(k: keyof RLEditSettings): string {
  return HYPERNET_EDITOR_NAMES.filter((e) => !UNUSED_SETTINGS[e].includes(k)).join(' and ');
}
