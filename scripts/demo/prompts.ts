/** Turning one fact of the world into the prompts the datasets ask with. */
import type { Rng } from '../../src/engine/util/rng';
import type { Fact, FactIndex } from './world';
import { PERSONA_FRAMES, fillTemplate, personaPrompt, relation } from './templates';

export interface QA {
  prompt: string;
  answer: string;
}

/** Template 0: the canonical prompt (`src` / `update`). */
export function canonicalPrompt(fact: Fact): string {
  return fillTemplate(relation(fact.relation).templates[0], fact.subject);
}

/** The relation's held-out paraphrase: never in the training corpus, used as `rephrase`. */
export function heldOutPrompt(fact: Fact): string {
  const r = relation(fact.relation);
  return fillTemplate(r.templates[r.heldOut], fact.subject);
}

/** Every template the model is trained on (all but the held-out one). */
export function trainedTemplateIndices(fact: Fact): number[] {
  const r = relation(fact.relation);
  return r.templates.map((_, i) => i).filter((i) => i !== r.heldOut);
}

export function trainedPrompts(fact: Fact): string[] {
  const r = relation(fact.relation);
  return trainedTemplateIndices(fact).map((i) => fillTemplate(r.templates[i], fact.subject));
}

/** A persona-styled rewrite of one of the trained templates (never the held-out one). */
export function personaFor(fact: Fact, rng: Rng): string {
  const r = relation(fact.relation);
  const t = r.templates[rng.pick(trainedTemplateIndices(fact))];
  return personaPrompt(rng.pick(PERSONA_FRAMES), rng.pick(r.roles), fillTemplate(t, fact.subject), t.startsWith('{s}'));
}

/**
 * The two-hop question about (subject, relation) when the relation's object is `object` — the true
 * one for known chains, the new one for an edit. Null for relations without a two-hop question.
 */
export function mhopFor(fact: Fact, object: string, index: FactIndex, rng: Rng): QA | null {
  const spec = relation(fact.relation).mhop;
  if (!spec) return null;
  const template = rng.pick(spec.templates);
  if (spec.via === 'capital') {
    // Hop 1: capital⁻¹(c) = subject (capital is never edited); hop 2: relation(subject) = object.
    return { prompt: template.replaceAll('{c}', index.object('capital', fact.subject)), answer: object };
  }
  // Hop 1: relation(subject) = object; hop 2: second(object), a backbone fact that is never edited.
  return { prompt: fillTemplate(template, fact.subject), answer: index.object(spec.second, object) };
}
