import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from './files';
import { FactIndex, generateWorld, type Fact } from './world';
import { editStreams, knownFacts, toWikiBigEdit, toZsre, trainCorpus, type PlannedEdit } from './datasets';
import { RELATIONS, relation, type RelationId } from './templates';
import { canonicalPrompt, heldOutPrompt } from './prompts';
import { loadDataset } from '../../src/engine/data/dataset';
import { nodeFile } from '../../src/engine/io/node-files';

const world = generateWorld(DEFAULT_OPTIONS.seed);
const index = new FactIndex(world);
const streams = editStreams(world, DEFAULT_OPTIONS.nEval, DEFAULT_OPTIONS.nTrain);
const key = (f: Fact) => `${f.relation}|${f.subject}`;
/** canonical question → its true answer, for reading a loc prompt back as a fact. */
const trueAnswerOf = new Map(world.facts.map((f) => [canonicalPrompt(f), f.object]));

describe('edit streams', () => {
  it('have the asked sizes and share neither facts nor subjects', () => {
    expect(streams.eval.length).toBe(1000);
    expect(streams.train.length).toBe(500);
    for (const s of [streams.eval, streams.train]) expect(new Set(s.map((e) => key(e.fact))).size).toBe(s.length);
    const evalSubjects = new Set(streams.eval.map((e) => e.fact.subject));
    for (const e of streams.train) expect(evalSubjects.has(e.fact.subject), e.fact.subject).toBe(false);
    // Streams only edit editable relations, and the edited fact is the world's own.
    for (const e of [...streams.eval, ...streams.train]) {
      expect(relation(e.fact.relation).editable).toBe(true);
      expect(index.object(e.fact.relation, e.fact.subject)).toBe(e.fact.object);
    }
    // Every editable relation shows up in the eval stream.
    const rels = new Set(streams.eval.map((e) => e.fact.relation));
    for (const r of RELATIONS.filter((r) => r.editable)) expect(rels.has(r.id), r.id).toBe(true);
  });

  it('give counterfactual answers of the right type that differ from the true one', () => {
    for (const e of [...streams.eval, ...streams.train]) {
      const r = relation(e.fact.relation);
      expect(e.newObject).not.toBe(e.fact.object);
      expect(world.entities[r.object], `${r.id}(${e.fact.subject}) → ${e.newObject}`).toContain(e.newObject);
      const z = toZsre(e);
      const w = toWikiBigEdit(e);
      expect([z.ans, w.ans, w.object]).toEqual([e.newObject, e.newObject, e.newObject]);
      expect(w.old_ans).toBe(index.object(e.fact.relation, e.fact.subject));
    }
  });

  it('use loc prompts that are true facts outside both streams, about another subject', () => {
    const edited = new Set([...streams.eval, ...streams.train].map((e) => key(e.fact)));
    for (const e of [...streams.eval, ...streams.train]) {
      const z = toZsre(e);
      const w = toWikiBigEdit(e);
      // ZsRE loc carries no "?" (the reader appends it); WikiBigEdit loc keeps it.
      expect(z.loc + '?').toBe(w.loc);
      expect(trueAnswerOf.get(w.loc), w.loc).toBe(w.loc_ans);
      expect(z.loc_ans).toBe(w.loc_ans);
      expect(edited.has(key(e.loc)), w.loc).toBe(false);
      expect(e.loc.subject).not.toBe(e.fact.subject);
    }
  });

  it('ask two-hop questions whose answers follow the edited chain', () => {
    // Written out independently of the templates' MhopSpec: which known fact the second hop reads.
    const second: Partial<Record<RelationId, RelationId>> = {
      birthplace: 'located_in',
      headquarters: 'located_in',
      occupation: 'tool',
      employer: 'founder',
    };
    const check = (e: PlannedEdit) => {
      const w = toWikiBigEdit(e);
      const hop = second[e.fact.relation];
      if (hop) {
        expect(w.mhop, w.mhop).toContain(e.fact.subject);
        expect(w.mhop_ans).toBe(index.object(hop, e.newObject));
        // The counterfactual moves the two-hop answer, so it measures the edit's ripple.
        expect(w.mhop_ans).not.toBe(index.object(hop, e.fact.object));
      } else {
        // language / currency: the country is named by its (never edited) capital.
        expect(['language', 'currency']).toContain(e.fact.relation);
        expect(w.mhop.split(' ')).toContain(index.object('capital', e.fact.subject) + '?');
        expect(w.mhop_ans).toBe(e.newObject);
      }
    };
    for (const e of [...streams.eval, ...streams.train]) check(e);
  });
});

describe('known facts', () => {
  it('are every fact with its true answer, asked canonically and by the held-out paraphrase', () => {
    const k = knownFacts(world);
    expect(k.length).toBe(world.facts.length);
    k.forEach((r, i) => {
      const f = world.facts[i];
      expect(r.src).toBe(canonicalPrompt(f));
      expect(r.rephrase).toBe(heldOutPrompt(f));
      expect(r.rephrase).not.toBe(r.src);
      expect(r.ans).toBe(f.object);
      expect(trueAnswerOf.get(r.loc + '?')).toBe(r.loc_ans);
    });
  });
});

describe('training corpus', () => {
  const corpus = trainCorpus(world);

  it('never contains a held-out template, for any subject, even inside a persona', () => {
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const r of RELATIONS) {
      const held = new RegExp(escape(r.templates[r.heldOut]).replace(/\\\{(s|a_s|A_s)\\\}/g, '.+'), 'i');
      for (const [prompt] of corpus.train) expect(held.test(prompt), `${r.id}: ${prompt}`).toBe(false);
    }
  });

  it('covers every trained template of every fact, with true answers', () => {
    const rows = corpus.train;
    expect(rows.filter((r) => r[2] === 'template').length).toBe(world.facts.length * 3);
    expect(rows.filter((r) => r[2] === 'persona').length).toBe(world.facts.length);
    const withMhop = world.facts.filter((f) => relation(f.relation).mhop).length;
    expect(rows.filter((r) => r[2] === 'mhop').length).toBe(withMhop);
    const prompts = new Set(rows.map((r) => r[0]));
    for (const f of world.facts) expect(prompts.has(canonicalPrompt(f)), canonicalPrompt(f)).toBe(true);
    for (const [prompt, answer, kind, rel] of rows) {
      if (kind === 'mhop') {
        const hop = { birthplace: 'located_in', headquarters: 'located_in', occupation: 'tool', employer: 'founder' }[rel] as
          RelationId | undefined;
        const words = prompt.split(/[ ,.?]/);
        if (hop) {
          const subject = world.entities[relation(rel as RelationId).subject].find((s) => words.includes(s))!;
          expect(answer, prompt).toBe(index.object(hop, index.object(rel as RelationId, subject)));
        } else {
          const capital = world.entities.city.find((c) => words.includes(c))!;
          expect(answer, prompt).toBe(index.object(rel as RelationId, index.object('located_in', capital)));
        }
      } else {
        // The subject is the one name of the relation's subject type in the prompt.
        const subject = world.entities[relation(rel as RelationId).subject].find((s) => prompt.split(/[ ,.?]/).includes(s));
        expect(subject, prompt).toBeDefined();
        expect(index.object(rel as RelationId, subject!), prompt).toBe(answer);
      }
    }
  });
});

describe('the shipped streams, read as the lab reads them', () => {
  // ZsRE stores loc questions without their "?" and the reader appends one (as UltraEdit scores them);
  // WikiBigEdit keeps its own. Either way every question the lab shows and scores ends in exactly one.
  it.each(['edits.eval.json', 'edits.train.json', 'edits.eval.wikibigedit.json', 'edits.train.wikibigedit.json'])('%s', async (name) => {
    const { records } = await loadDataset(nodeFile(`public/demo/data/${name}`));
    expect(records.length).toBeGreaterThanOrEqual(500);
    for (const r of records) for (const q of [r.prompt, r.rephrase, r.locPrompt]) expect(q, `record ${r.index}`).toMatch(/[^?]\?$/);
  });
});
