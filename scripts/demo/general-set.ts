/**
 * The demo's general-capability set (docs/design.md §2, "General capability"): GLUE and MMLU need
 * English the demo model never saw, and it was trained on no yes/no questions, so its set is built
 * from what it was trained on — the backbone facts no stream edits (located_in, capital, founder,
 * tool), asked with each relation's held-out wording (never in the training corpus) as a
 * four-way multiple choice: the true object and three seeded distractors of its type. One task per
 * relation, in the lab's multiple-choice layout ({task, prompt, choices, answer}), scored as the
 * reference scores MMLU: the generated answer and the label-word probabilities.
 */
import { partRng } from './datasets';
import { heldOutPrompt } from './prompts';
import { RELATIONS } from './templates';
import type { World } from './world';

export interface ChoiceRecord {
  task: string;
  prompt: string;
  choices: string[];
  answer: number;
}

/** Choices per question: the reference's MMLU has four. */
const CHOICES = 4;

export function generalCapabilitySet(world: World): ChoiceRecord[] {
  const rng = partRng(world.seed, 'general-capability');
  const backbone = RELATIONS.filter((r) => !r.editable);
  return backbone.flatMap((r) =>
    world.facts
      .filter((f) => f.relation === r.id)
      .map((f) => {
        const others = world.entities[r.object].filter((o) => o !== f.object);
        const distractors = rng.shuffle([...others]).slice(0, CHOICES - 1);
        const choices = rng.shuffle([f.object, ...distractors]);
        return { task: `demo.${r.id}`, prompt: heldOutPrompt(f), choices, answer: choices.indexOf(f.object) };
      }),
  );
}
