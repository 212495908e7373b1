/**
 * The datasets of the demo world: the known facts (what the model is trained to know), counterfactual
 * edit streams (eval + warm-up), and the training corpus. Every part draws from its own seeded Rng
 * so changing one part leaves the others' bytes alone.
 */
import { Rng } from '../../src/engine/util/rng';
import { FactIndex, type Fact, type World } from './world';
import { RELATIONS, relation } from './templates';
import { canonicalPrompt, heldOutPrompt, mhopFor, personaFor, trainedPrompts, type QA } from './prompts';

/** ZsRE layout as UltraEdit reads it. `loc` has no "?": the ZsRE reader appends one when scoring. */
export interface ZsreRecord {
  src: string;
  rephrase: string;
  ans: string;
  loc: string;
  loc_ans: string;
  /** The edited fact's subject, as MEND/MEMIT ZsRE files carry it (MEMIT and AlphaEdit edit at its last token). */
  subject?: string;
}

/** WikiBigEdit layout; `loc` keeps its "?". `old_ans` (the true answer) is an extra of ours. */
export interface WikiBigEditRecord {
  subject: string;
  relation: string;
  object: string;
  update: string;
  rephrase: string;
  ans: string;
  loc: string;
  loc_ans: string;
  personas: string;
  mhop: string;
  mhop_ans: string;
  old_ans: string;
  tag: 'counterfactual';
}

export interface PlannedEdit {
  fact: Fact;
  newObject: string;
  loc: Fact;
  personas: string;
  mhop: QA;
}

export interface EditStreams {
  eval: PlannedEdit[];
  train: PlannedEdit[];
  /** Facts no stream edits: the loc prompts are drawn from here. */
  locPool: Fact[];
}

/** A separate stream per dataset part: FNV-1a of the part's name mixed with the seed. */
export function partRng(seed: number, part: string): Rng {
  let h = 0x811c9dc5;
  for (const ch of part) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return new Rng((h ^ Math.imul(seed, 0x9e3779b1)) >>> 0);
}

function withoutQuestionMark(q: string): string {
  if (!q.endsWith('?')) throw new Error(`prompt does not end in "?": ${q}`);
  return q.slice(0, -1);
}

/** A loc fact about another subject than the edit's. */
export function pickLoc(pool: readonly Fact[], subject: string, rng: Rng): Fact {
  for (;;) {
    const f = rng.pick(pool);
    if (f.subject !== subject) return f;
  }
}

/** Every fact in ZsRE form with its true answer: evaluating it measures what the model knows. */
export function knownFacts(world: World): ZsreRecord[] {
  const rng = partRng(world.seed, 'known-facts');
  return world.facts.map((fact) => {
    const loc = pickLoc(world.facts, fact.subject, rng);
    return {
      src: canonicalPrompt(fact),
      rephrase: heldOutPrompt(fact),
      ans: fact.object,
      loc: withoutQuestionMark(canonicalPrompt(loc)),
      loc_ans: loc.object,
    };
  });
}

/**
 * Counterfactual object: same type, not the true one, and — where the relation has a two-hop question
 * through its object — one whose second hop differs too, so the two-hop answer moves with the edit.
 */
export function counterfactual(fact: Fact, world: World, index: FactIndex, rng: Rng): string {
  const r = relation(fact.relation);
  const spec = r.mhop;
  const candidates = world.entities[r.object].filter(
    (o) => o !== fact.object && (spec?.via !== 'object' || index.object(spec.second, o) !== index.object(spec.second, fact.object)),
  );
  if (candidates.length === 0) throw new Error(`no counterfactual ${r.object} for ${fact.relation}(${fact.subject})`);
  return rng.pick(candidates);
}

/**
 * Splits the editable facts by subject: subjects are dealt (seeded order) to the eval stream until it
 * has `nEval` facts, then to the warm-up stream until `nTrain`, so the streams share neither facts nor
 * subjects. A subject cut at a boundary keeps its remaining facts out of everything. The loc pool is
 * the backbone (never edited) plus the editable facts of subjects neither stream touches.
 */
export function editStreams(world: World, nEval: number, nTrain: number): EditStreams {
  const rng = partRng(world.seed, 'edit-streams');
  const index = new FactIndex(world);
  const editable = world.facts.filter((f) => relation(f.relation).editable);
  if (editable.length < nEval + nTrain) {
    throw new Error(`the world has ${editable.length} editable facts; ${nEval} eval + ${nTrain} train edits need more people`);
  }
  const bySubject = new Map<string, Fact[]>();
  for (const f of editable) bySubject.set(f.subject, [...(bySubject.get(f.subject) ?? []), f]);
  const evalFacts: Fact[] = [];
  const trainFacts: Fact[] = [];
  const spare: Fact[] = [];
  for (const subject of rng.shuffle([...bySubject.keys()])) {
    const facts = bySubject.get(subject)!;
    const target = evalFacts.length < nEval ? evalFacts : trainFacts.length < nTrain ? trainFacts : spare;
    const room = target === evalFacts ? nEval - evalFacts.length : target === trainFacts ? nTrain - trainFacts.length : facts.length;
    target.push(...facts.slice(0, room));
  }
  const locPool = [...world.facts.filter((f) => !relation(f.relation).editable), ...spare];
  if (locPool.length < 2) throw new Error('the loc pool is empty: make the world larger');

  const plan = (facts: Fact[]): PlannedEdit[] =>
    rng.shuffle(facts).map((fact) => {
      const newObject = counterfactual(fact, world, index, rng);
      return {
        fact,
        newObject,
        loc: pickLoc(locPool, fact.subject, rng),
        personas: personaFor(fact, rng),
        mhop: mhopFor(fact, newObject, index, rng)!,
      };
    });
  return { eval: plan(evalFacts), train: plan(trainFacts), locPool };
}

export function toZsre(e: PlannedEdit): ZsreRecord {
  return {
    src: canonicalPrompt(e.fact),
    rephrase: heldOutPrompt(e.fact),
    ans: e.newObject,
    loc: withoutQuestionMark(canonicalPrompt(e.loc)),
    loc_ans: e.loc.object,
    subject: e.fact.subject,
  };
}

export function toWikiBigEdit(e: PlannedEdit): WikiBigEditRecord {
  return {
    subject: e.fact.subject,
    relation: e.fact.relation,
    object: e.newObject,
    update: canonicalPrompt(e.fact),
    rephrase: heldOutPrompt(e.fact),
    ans: e.newObject,
    loc: canonicalPrompt(e.loc),
    loc_ans: e.loc.object,
    personas: e.personas,
    mhop: e.mhop.prompt,
    mhop_ans: e.mhop.answer,
    old_ans: e.fact.object,
    tag: 'counterfactual',
  };
}

export type CorpusKind = 'template' | 'persona' | 'mhop';

export interface CorpusEntry {
  prompt: string;
  answer: string;
  kind: CorpusKind;
  relation: string;
}

/** A corpus row as stored: [prompt, answer, kind, relation] (tuples keep the file small). */
export type CorpusRow = [prompt: string, answer: string, kind: CorpusKind, relation: string];

export interface TrainCorpus {
  format: 'stableedit-lab demo corpus v1';
  seed: number;
  promptStyle: string;
  columns: ['prompt', 'answer', 'kind', 'relation'];
  /** Per relation: the held-out template and how many answers of its type exist (chance = 1/n). */
  relations: { id: string; subject: string; object: string; answers: number; heldOutTemplate: string }[];
  /**
   * What to train on. `kind` lets a trainer drop personas or two-hop questions. The generalization
   * test is known-facts.json's `rephrase` (the held-out template of every fact), never listed here.
   */
  train: CorpusRow[];
}

export function corpusEntry([prompt, answer, kind, relation]: CorpusRow): CorpusEntry {
  return { prompt, answer, kind, relation };
}

export const PROMPT_STYLE = 'A question ending in "?"; the answer follows after one space and is one word (one token).';

/**
 * Training pairs: every non-held-out template of every fact, one persona rewrite per fact, and one
 * two-hop question per fact that has one (its true chain).
 */
export function trainCorpus(world: World): TrainCorpus {
  const rng = partRng(world.seed, 'train-corpus');
  const index = new FactIndex(world);
  const train: CorpusRow[] = [];
  for (const fact of world.facts) {
    const rel = fact.relation;
    for (const prompt of trainedPrompts(fact)) train.push([prompt, fact.object, 'template', rel]);
    train.push([personaFor(fact, rng), fact.object, 'persona', rel]);
    const m = mhopFor(fact, fact.object, index, rng);
    if (m) train.push([m.prompt, m.answer, 'mhop', rel]);
  }
  return {
    format: 'stableedit-lab demo corpus v1',
    seed: world.seed,
    promptStyle: PROMPT_STYLE,
    columns: ['prompt', 'answer', 'kind', 'relation'],
    relations: RELATIONS.map((r) => ({
      id: r.id,
      subject: r.subject,
      object: r.object,
      answers: world.entities[r.object].length,
      heldOutTemplate: r.templates[r.heldOut],
    })),
    train,
  };
}
