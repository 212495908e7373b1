/**
 * Every dataset layout the lab reads, as a mapping from EditRecord fields to the field paths of the
 * public files (docs/design.md §3). Paths are dotted ("requested_rewrite.target_new.str"); a numeric segment
 * indexes a list ("answers.0"); a list of paths means "the first one present".
 */
import type { EditRecord, PortabilityPair } from '../types';

export type RecordField = Exclude<keyof EditRecord, 'index' | 'portability'>;
export type FieldPaths = string | readonly string[];
export type FieldMapping = Partial<Record<RecordField, FieldPaths>>;

export type LayoutId =
  | 'knowedit'
  | 'zsre'
  | 'zsre-easyedit'
  | 'fever'
  | 'wikibigedit'
  | 'ultraeditbench'
  | 'counterfact-rome'
  | 'counterfact-easyedit'
  | 'medcf'
  | 'generic';

export interface Layout {
  id: LayoutId;
  title: string;
  /** Detection: every group must have at least one of its keys among the first record's top-level keys. */
  signature: readonly (readonly string[])[];
  fields: FieldMapping;
  /**
   * Fields whose source may be a list of strings (FEVER equiv_prompt, CounterFact paraphrase and
   * neighborhood prompts, WikiBigEdit personas in some dumps): one element is picked, seeded per record.
   */
  listFields?: readonly RecordField[];
  /** Layout-specific finishing of a record read without problems; returns a problem or null. */
  finish?: (rec: Omit<EditRecord, 'index'>, opts: { zsreLocQuestionMark: boolean }, raw: Record<string, unknown>) => string | null;
}

/**
 * KnowEdit's groups (EasyEdit's examples/run_knowedit_llama2.py): `portability` and `locality` map a
 * group name to a list of {prompt, ground_truth}; a ground_truth may be a string or (nested) lists of
 * them, of which the first string counts, and an empty one is skipped — as there.
 */
function knowEditGroups(raw: Record<string, unknown>, key: 'portability' | 'locality'): PortabilityPair[] | string {
  const groups = raw[key];
  if (groups === undefined || groups === null) return [];
  if (typeof groups !== 'object' || Array.isArray(groups))
    return `${key} must be an object of groups ({"Reasoning": [...]}), got ${Array.isArray(groups) ? 'a list' : typeof groups}`;
  const out: PortabilityPair[] = [];
  for (const [kind, items] of Object.entries(groups as Record<string, unknown>)) {
    if (items === null) continue;
    if (!Array.isArray(items)) return `${key}.${kind} must be a list of {prompt, ground_truth}`;
    for (const [j, item] of items.entries()) {
      const it = item as { prompt?: unknown; ground_truth?: unknown } | null;
      let answer = it?.ground_truth;
      while (Array.isArray(answer)) answer = answer[0];
      let prompt = it?.prompt;
      if (Array.isArray(prompt)) prompt = prompt[0];
      if (typeof prompt !== 'string' || !prompt.trim()) return `${key}.${kind}.${j}.prompt must be a non-empty string`;
      if (answer === undefined || answer === null || (typeof answer === 'string' && !answer.trim())) continue;
      if (typeof answer !== 'string') return `${key}.${kind}.${j}.ground_truth must be a string (or lists of strings)`;
      out.push({ kind, prompt, answer });
    }
  }
  return out;
}

/**
 * ZsRE loc prompts are NQ questions stored without their "?"; UltraEdit (after MEMIT's
 * dsets/zsre.py) appends one, unconditionally, when it scores them. It is done here, at read time,
 * so EditRecord.locPrompt is exactly the scored text and evaluation needs no per-format rule.
 * `zsreLocQuestionMark: false` turns it off.
 */
const zsreLocQuestion: Layout['finish'] = (rec, opts) => {
  if (opts.zsreLocQuestionMark && rec.locPrompt !== undefined) rec.locPrompt += '?';
  return null;
};

/** Listed in detection order: more specific signatures first. */
export const LAYOUTS: readonly Layout[] = [
  {
    // KnowEdit (EasyEdit's benchmark files: wiki_counterfact, wiki_recent, ZsRE, WikiBio …).
    id: 'knowedit',
    title: 'EasyEdit KnowEdit',
    signature: [
      ['prompt', 'text'],
      ['target_new', 'labels'],
      ['portability', 'locality'],
    ],
    fields: {
      prompt: ['prompt', 'text'],
      answer: ['target_new', 'labels'],
      oldAnswer: ['ground_truth.0.0', 'ground_truth.0', 'ground_truth'],
      rephrase: 'rephrase',
      subject: ['subject', 'concept'],
    },
    finish: (rec, _opts, raw) => {
      const portability = knowEditGroups(raw, 'portability');
      if (typeof portability === 'string') return portability;
      const locality = knowEditGroups(raw, 'locality');
      if (typeof locality === 'string') return locality;
      if (portability.length) rec.portability = portability;
      // Specificity is scored on the first locality question, Relation_Specificity before
      // Forgetfulness, as EasyEdit's KnowEditDataset.collate_fn takes it.
      const loc = locality.find((l) => l.kind === 'Relation_Specificity') ?? locality[0];
      if (loc) {
        rec.locPrompt = loc.prompt;
        rec.locAnswer = loc.answer;
      }
      return null;
    },
  },
  {
    id: 'counterfact-rome',
    title: 'ROME/MEMIT CounterFact',
    signature: [['requested_rewrite']],
    fields: {
      prompt: 'requested_rewrite.prompt',
      subject: 'requested_rewrite.subject',
      answer: 'requested_rewrite.target_new.str',
      oldAnswer: 'requested_rewrite.target_true.str',
      rephrase: 'paraphrase_prompts',
      locPrompt: 'neighborhood_prompts',
      // Neighborhood subjects share the true object: after the edit they should still give target_true.
      locAnswer: 'requested_rewrite.target_true.str',
    },
    listFields: ['rephrase', 'locPrompt'],
    finish: (rec) => {
      // The prompt is a Python format string with one "{}" for the subject.
      if (!rec.prompt.includes('{}')) return 'requested_rewrite.prompt has no "{}" for the subject';
      if (rec.subject === undefined) return 'requested_rewrite.subject is missing (needed to fill "{}")';
      rec.prompt = rec.prompt.split('{}').join(rec.subject);
      return null;
    },
  },
  {
    id: 'zsre-easyedit',
    title: 'MEND/EasyEdit ZsRE',
    signature: [['src'], ['alt'], ['answers']],
    fields: {
      prompt: 'src',
      rephrase: 'rephrase',
      answer: 'alt',
      oldAnswer: 'answers.0',
      locPrompt: 'loc',
      locAnswer: 'loc_ans',
      subject: 'subject',
    },
    finish: zsreLocQuestion,
  },
  {
    id: 'zsre',
    title: 'UltraEdit/StableEdit ZsRE',
    signature: [['src'], ['ans', 'alt']],
    fields: { prompt: 'src', rephrase: 'rephrase', answer: ['ans', 'alt'], locPrompt: 'loc', locAnswer: 'loc_ans', subject: 'subject' },
    finish: zsreLocQuestion,
  },
  {
    id: 'wikibigedit',
    title: 'WikiBigEdit',
    signature: [['update'], ['ans']],
    fields: {
      prompt: 'update',
      rephrase: 'rephrase',
      answer: 'ans',
      locPrompt: 'loc',
      locAnswer: 'loc_ans',
      personas: 'personas',
      mhop: 'mhop',
      mhopAnswer: 'mhop_ans',
      subject: 'subject',
    },
    listFields: ['personas'],
  },
  {
    id: 'fever',
    title: 'FEVER (UltraEdit)',
    signature: [['prompt'], ['alt'], ['equiv_prompt', 'unrel_prompt']],
    fields: { prompt: 'prompt', rephrase: 'equiv_prompt', answer: 'alt', locPrompt: 'unrel_prompt', locAnswer: 'unrel_ans' },
    listFields: ['rephrase'],
  },
  {
    id: 'ultraeditbench',
    title: 'UltraEditBench',
    signature: [['prompt'], ['ans']],
    fields: { prompt: 'prompt', rephrase: 'rephrase_prompt', answer: 'ans', locPrompt: 'loc', locAnswer: 'loc_ans' },
  },
  {
    // MedCF (MedLaSA's medical counterfacts). No public sample was available to us, so this is a
    // tolerant mapping of the names such files use (plain "rephrase" and "target"/"target_new",
    // either a string or ROME's {str}); anything else: pass a field mapping.
    id: 'medcf',
    title: 'MedCF (medical counterfacts, best-effort mapping)',
    signature: [['prompt', 'question'], ['target', 'target_new'], ['rephrase']],
    fields: {
      prompt: ['prompt', 'question'],
      rephrase: 'rephrase',
      answer: ['target_new.str', 'target_new', 'target'],
      oldAnswer: ['target_true.str', 'target_true', 'ground_truth'],
      locPrompt: ['locality_prompt', 'loc', 'locality.prompt'],
      locAnswer: ['locality_ground_truth', 'loc_ans', 'locality.ground_truth'],
      subject: 'subject',
    },
    listFields: ['rephrase', 'locPrompt'],
  },
  {
    id: 'counterfact-easyedit',
    title: 'EasyEdit CounterFact',
    signature: [['prompt'], ['target_new']],
    fields: {
      prompt: 'prompt',
      rephrase: 'rephrase_prompt',
      answer: 'target_new',
      oldAnswer: 'ground_truth',
      locPrompt: 'locality_prompt',
      locAnswer: 'locality_ground_truth',
      subject: 'subject',
    },
  },
  {
    // The lab's own field names (EditRecord's); also the default for a user mapping's missing fields.
    id: 'generic',
    title: 'generic (EditRecord field names or a user mapping)',
    signature: [['prompt'], ['answer']],
    fields: {
      prompt: 'prompt',
      answer: 'answer',
      rephrase: 'rephrase',
      locPrompt: 'locPrompt',
      locAnswer: 'locAnswer',
      personas: 'personas',
      mhop: 'mhop',
      mhopAnswer: 'mhopAnswer',
      subject: 'subject',
      oldAnswer: 'oldAnswer',
    },
  },
];

export const LAYOUT_IDS = LAYOUTS.map((l) => l.id);

export function layoutById(id: LayoutId): Layout {
  const layout = LAYOUTS.find((l) => l.id === id);
  if (!layout) throw new RangeError(`unknown dataset layout "${id}"; known: ${LAYOUT_IDS.join(', ')}`);
  return layout;
}

/** A user mapping: "generic" with its fields replaced by the user's (prompt and answer required). */
export function customLayout(mapping: FieldMapping): Layout {
  return {
    id: 'generic',
    title: 'generic with a user field mapping',
    signature: [],
    fields: mapping,
    listFields: ['rephrase', 'locPrompt', 'personas', 'mhop'],
  };
}
