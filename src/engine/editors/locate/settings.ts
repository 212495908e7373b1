/**
 * Settings of the locate-then-edit editors (docs/design.md §7) with the authors' own defaults:
 * MEMIT from kmeng01/memit hparams/MEMIT/EleutherAI_gpt-j-6B.json, AlphaEdit from
 * jianghoucheng/AlphaEdit hparams/AlphaEdit/Llama3-8B.json. EasyEdit packages other values for some
 * models (MEMIT llama-7b: clamp_norm_factor 4, v_weight_decay 1e-3; AlphaEdit llama3-8b: L2 1);
 * every value is a setting.
 */
import { InputError } from '../../types';

export const LOCATE_EDITORS = ['memit', 'alphaedit'] as const;
export type LocateEditorName = (typeof LOCATE_EDITORS)[number];

export function isLocateEditor(name: string): name is LocateEditorName {
  return (LOCATE_EDITORS as readonly string[]).includes(name);
}

export interface LocateSettings {
  /** v_num_grad_steps: forward passes of the target optimization (at most steps − 1 Adam steps). */
  steps: number;
  /** v_lr: Adam's step size on δ. */
  lr: number;
  /** clamp_norm_factor: ‖δ‖ ≤ factor·‖z_init‖ after each step. */
  clampNorm: number;
  /** kl_factor: weight of the KL term on the "{subject} is a" prompt. */
  klFactor: number;
  /** v_weight_decay: weight of ‖δ‖ / ‖z_init‖². */
  weightDecay: number;
  /** mom2_update_weight λ of MEMIT's λ·C + KKᵀ. */
  mom2Weight: number;
  /** mom2_n_samples: corpus texts the key second moment C is taken over. */
  mom2Samples: number;
  /** AlphaEdit nullspace_threshold: C's eigen/singular values below it span the null space. */
  nullspaceThreshold: number;
  /** AlphaEdit L2: the λ·I of its solve. */
  l2: number;
  /** Seed of the context templates' top-5 sampling (the reference samples unseeded). */
  templateSeed: number;
}

const MEMIT_DEFAULTS: LocateSettings = {
  steps: 25,
  lr: 0.5,
  clampNorm: 0.75,
  klFactor: 0.0625,
  weightDecay: 0.5,
  mom2Weight: 15000,
  mom2Samples: 100000,
  nullspaceThreshold: 2e-2,
  l2: 10,
  templateSeed: 0,
};

/** AlphaEdit's Llama3-8B file differs from MEMIT's GPT-J one only in v_lr (and adds the threshold and L2). */
export const LOCATE_DEFAULTS: Record<LocateEditorName, LocateSettings> = {
  memit: MEMIT_DEFAULTS,
  alphaedit: { ...MEMIT_DEFAULTS, lr: 0.1 },
};

export function locateSettings(editor: LocateEditorName, given: Partial<LocateSettings> = {}): LocateSettings {
  const s = { ...LOCATE_DEFAULTS[editor], ...given };
  const bad = locateProblems(s);
  const keys = Object.keys(bad);
  if (keys.length) throw new InputError(`editor ${editor}`, keys.map((k) => `${k} ${bad[k]}`).join('; '));
  return s;
}

/** Problems by field name; empty when usable. */
export function locateProblems(s: Partial<LocateSettings>): Record<string, string> {
  const bad: Record<string, string> = {};
  const positive = (k: keyof LocateSettings) => {
    const v = s[k];
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) bad[k] = `must be a positive number (got ${v})`;
  };
  const nonNegative = (k: keyof LocateSettings) => {
    const v = s[k];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) bad[k] = `must be a number ≥ 0 (got ${v})`;
  };
  for (const k of ['steps', 'mom2Samples'] as const)
    if (s[k] !== undefined && !(Number.isInteger(s[k]) && s[k]! >= 1)) bad[k] = `must be a whole number ≥ 1 (got ${s[k]})`;
  for (const k of ['lr', 'clampNorm', 'mom2Weight', 'nullspaceThreshold', 'l2'] as const) positive(k);
  for (const k of ['klFactor', 'weightDecay'] as const) nonNegative(k);
  if (s.templateSeed !== undefined && !Number.isInteger(s.templateSeed))
    bad.templateSeed = `must be a whole number (got ${s.templateSeed})`;
  return bad;
}
