/**
 * Synthetic ultra-large edit streams from the demo world (issue 28: the paper's 500K WikiBigEdit and
 * 2M UltraEditBench runs, on the demo model). The world has ~1,500 editable facts, so a stream of N
 * edits goes over them in passes: each pass deals every editable fact once, in a seeded order, with a
 * fresh counterfactual object, loc fact, persona and two-hop question drawn as `editStreams` draws
 * them (datasets.ts). Records are produced one at a time, so a 2M-record file never sits in memory.
 * The loc facts come from the world's backbone (relations no pass edits).
 */
import { relation } from './templates';
import { FactIndex, generateWorld, DEFAULT_WORLD, type Fact } from './world';
import { counterfactual, partRng, pickLoc, toWikiBigEdit, type PlannedEdit, type WikiBigEditRecord } from './datasets';
import { canonicalPrompt, heldOutPrompt, mhopFor, personaFor } from './prompts';
import { DEFAULT_SEED } from './files';

export const ULTRA_LAYOUTS = ['ultraeditbench', 'wikibigedit'] as const;
export type UltraLayout = (typeof ULTRA_LAYOUTS)[number];

/** UltraEditBench's fields (the engine's `ultraeditbench` layout, docs/design.md §3). */
export interface UltraEditBenchRecord {
  prompt: string;
  rephrase_prompt: string;
  ans: string;
  loc: string;
  loc_ans: string;
}

export function toUltraEditBench(e: PlannedEdit): UltraEditBenchRecord {
  return {
    prompt: canonicalPrompt(e.fact),
    rephrase_prompt: heldOutPrompt(e.fact),
    ans: e.newObject,
    loc: canonicalPrompt(e.loc),
    loc_ans: e.loc.object,
  };
}

export interface UltraStreamOptions {
  edits: number;
  layout: UltraLayout;
  /** Seeds the passes' draws (the world itself is the demo's, DEFAULT_SEED). */
  seed: number;
}

/** The stream's records in order, one at a time. */
export function* ultraStream(opts: UltraStreamOptions): Generator<UltraEditBenchRecord | WikiBigEditRecord> {
  if (!(Number.isInteger(opts.edits) && opts.edits >= 1)) throw new Error(`edits must be a whole number ≥ 1 (got ${opts.edits})`);
  const world = generateWorld(DEFAULT_SEED, DEFAULT_WORLD);
  const index = new FactIndex(world);
  const editable = world.facts.filter((f) => relation(f.relation).editable);
  const locPool = world.facts.filter((f) => !relation(f.relation).editable);
  const rng = partRng(opts.seed, `ultra-stream-${opts.layout}`);
  const convert = opts.layout === 'wikibigedit' ? toWikiBigEdit : toUltraEditBench;
  let made = 0;
  while (made < opts.edits) {
    for (const fact of rng.shuffle<Fact>([...editable])) {
      if (made >= opts.edits) return;
      const newObject = counterfactual(fact, world, index, rng);
      const planned: PlannedEdit = {
        fact,
        newObject,
        loc: pickLoc(locPool, fact.subject, rng),
        personas: personaFor(fact, rng),
        mhop: mhopFor(fact, newObject, index, rng) ?? { prompt: heldOutPrompt(fact), answer: newObject },
      };
      yield convert(planned);
      made++;
    }
  }
}
