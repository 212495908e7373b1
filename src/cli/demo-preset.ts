/**
 * `run` on the built-in demo without settings flags uses the page's demo preset
 * (src/engine/lab/demo-defaults.ts), so the CLI and the page start from the same numbers.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_DATA, DEMO_RUN } from '../engine/lab/demo-defaults';
import type { RunConfig } from '../engine/run/config';
import type { Flags } from './args';

const PUBLIC = fileURLToPath(new URL('../../public/', import.meta.url));
export const DEMO_MODEL_DIR = resolve(PUBLIC, 'demo/model');
export const DEMO_EDITS = resolve(PUBLIC, DEMO_DATA.edits);
export const DEMO_WARMUP = resolve(PUBLIC, DEMO_DATA.warmup);
/** The texts the demo model was trained on: MEMIT / AlphaEdit's key statistics corpus for it. */
export const DEMO_CORPUS = resolve(PUBLIC, 'demo/data/train-corpus.json');
/** The demo's general-capability set (scripts/demo/general-set.ts): the preset scores it. */
export const DEMO_GENERAL = resolve(PUBLIC, DEMO_DATA.general);

/** The preset when --model and --data are the demo's and none of `settingsFlags` is given; else null. */
export function demoPreset(
  flags: Flags,
  settingsFlags: readonly string[],
): { config: RunConfig; warmupData?: string; note: string } | null {
  if (settingsFlags.some((k) => flags[k] !== undefined)) return null;
  if (typeof flags.model !== 'string' || typeof flags.data !== 'string') return null;
  if (resolve(flags.model) !== DEMO_MODEL_DIR || resolve(flags.data) !== DEMO_EDITS) return null;
  const c = DEMO_RUN;
  const warmupData = c.warmupTurns > 0 ? DEMO_WARMUP : undefined;
  const note =
    `using the demo preset (src/engine/lab/demo-defaults.ts): --modules ${c.modules.join(',')} --lr ${c.lr} --ridge ${c.ridge} ` +
    `--n-edits ${c.nEdits} --sub-batch ${c.subBatch}${c.turns === undefined ? '' : ` --turns ${c.turns}`}` +
    (warmupData ? ` --warmup-turns ${c.warmupTurns} --warmup-data ${warmupData}` : '');
  return { config: c, warmupData, note };
}
