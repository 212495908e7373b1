/**
 * The relations of the demo world and the words used to ask about them.
 *
 * Prompt style (one, everywhere): a question ending in "?"; the answer follows after one space and
 * is a single word, e.g. "What is the capital of Varnia?" → " Tolsk". Only the punctuation
 * `. , ?` is used, always attached to the preceding word, so the tokenizer's decoder (which removes
 * the space before those marks) gives back the exact text.
 */

export type EntityType = 'country' | 'city' | 'language' | 'currency' | 'person' | 'company' | 'occupation' | 'tool';

export type RelationId =
  'located_in' | 'capital' | 'language' | 'currency' | 'founder' | 'headquarters' | 'birthplace' | 'occupation' | 'employer' | 'tool';

/**
 * How the two-hop question of an edited fact (s, r, o) is built and answered.
 * - `object`: ask about the object's `second` relation through s: answer = second(o). The
 *   counterfactual o' is chosen with second(o') ≠ second(o), so the edit changes the answer.
 * - `capital`: name s by its capital c (first hop, capital⁻¹(c) = s): answer = o itself.
 */
export type MhopSpec =
  { via: 'object'; second: RelationId; templates: readonly string[] } | { via: 'capital'; templates: readonly string[] };

export interface Relation {
  id: RelationId;
  subject: EntityType;
  object: EntityType;
  /**
   * Question templates; `{s}` is the subject, `{a_s}`/`{A_s}` the subject with an article
   * ("a painter", "An astronomer"). Index 0 is the canonical prompt (`src`/`update`).
   */
  templates: readonly string[];
  /** Index of the paraphrase never trained on: the generalization test. */
  heldOut: number;
  /** Edited in the counterfactual streams; non-editable relations are the world's fixed backbone. */
  editable: boolean;
  mhop?: MhopSpec;
  /** Persona roles fitting the relation's topic. */
  roles: readonly string[];
}

const GEOGRAPHY = ['geography teacher', 'travel writer', 'map maker'];
const PEOPLE = ['biographer', 'family historian', 'village elder'];
const BUSINESS = ['business reporter', 'stock trader', 'company clerk'];
const TRADES = ['guild master', 'shop keeper'];

export const RELATIONS: readonly Relation[] = [
  {
    id: 'located_in',
    subject: 'city',
    object: 'country',
    heldOut: 3,
    editable: false,
    roles: GEOGRAPHY,
    templates: [
      'In which country is {s}?',
      'Which country is {s} located in?',
      '{s} is a city in which country?',
      'What country does the city of {s} belong to?',
    ],
  },
  {
    id: 'capital',
    subject: 'country',
    object: 'city',
    heldOut: 3,
    editable: false,
    roles: GEOGRAPHY,
    templates: [
      'What is the capital of {s}?',
      'Which city is the capital of {s}?',
      'What city serves as the capital of {s}?',
      'Where is the seat of government of {s}?',
    ],
  },
  {
    id: 'language',
    subject: 'country',
    object: 'language',
    heldOut: 3,
    editable: true,
    roles: GEOGRAPHY,
    templates: [
      'What language is spoken in {s}?',
      'Which language do the people of {s} speak?',
      'What is the official language of {s}?',
      'In {s}, people mostly speak which language?',
    ],
    mhop: {
      via: 'capital',
      templates: [
        'What language is spoken in the country whose capital is {c}?',
        'Which language do people speak in the country with the capital {c}?',
      ],
    },
  },
  {
    id: 'currency',
    subject: 'country',
    object: 'currency',
    heldOut: 3,
    editable: true,
    roles: GEOGRAPHY,
    templates: [
      'What is the currency of {s}?',
      'Which currency is used in {s}?',
      'What money do people pay with in {s}?',
      'In {s}, prices are given in which currency?',
    ],
    mhop: {
      via: 'capital',
      templates: [
        'What is the currency of the country whose capital is {c}?',
        'Which currency is used in the country with the capital {c}?',
      ],
    },
  },
  {
    id: 'founder',
    subject: 'company',
    object: 'person',
    heldOut: 3,
    editable: false,
    roles: BUSINESS,
    templates: ['Who founded {s}?', 'Who is the founder of {s}?', 'Which person started the company {s}?', '{s} was founded by whom?'],
  },
  {
    id: 'headquarters',
    subject: 'company',
    object: 'city',
    heldOut: 3,
    editable: true,
    roles: BUSINESS,
    templates: [
      'Where is {s} headquartered?',
      'In which city are the headquarters of {s}?',
      'Which city is {s} based in?',
      'The main office of {s} is in which city?',
    ],
    mhop: {
      via: 'object',
      second: 'located_in',
      templates: ['In which country is {s} headquartered?', '{s} has its main office in which country?'],
    },
  },
  {
    id: 'birthplace',
    subject: 'person',
    object: 'city',
    heldOut: 3,
    editable: true,
    roles: PEOPLE,
    templates: [
      'Where was {s} born?',
      'In which city was {s} born?',
      'What is the birthplace of {s}?',
      '{s} came into the world in which city?',
    ],
    mhop: {
      via: 'object',
      second: 'located_in',
      templates: ['In which country was {s} born?', '{s} was born in a city of which country?'],
    },
  },
  {
    id: 'occupation',
    subject: 'person',
    object: 'occupation',
    heldOut: 3,
    editable: true,
    roles: PEOPLE,
    templates: [
      'What is the occupation of {s}?',
      'What does {s} do for a living?',
      'What is the profession of {s}?',
      'Which job does {s} have?',
    ],
    mhop: { via: 'object', second: 'tool', templates: ['What tool does {s} use at work?', 'Which tool does {s} need for the job?'] },
  },
  {
    id: 'employer',
    subject: 'person',
    object: 'company',
    heldOut: 3,
    editable: true,
    roles: PEOPLE,
    templates: [
      'Which company does {s} work for?',
      'Who is the employer of {s}?',
      'Where does {s} work?',
      '{s} is employed by which company?',
    ],
    mhop: {
      via: 'object',
      second: 'founder',
      templates: ['Who founded the company that {s} works for?', 'Who is the founder of the employer of {s}?'],
    },
  },
  {
    id: 'tool',
    subject: 'occupation',
    object: 'tool',
    heldOut: 3,
    editable: false,
    roles: TRADES,
    templates: ['What tool does {a_s} use?', 'Which tool is used by {a_s}?', 'What does {a_s} work with?', '{A_s} needs which tool?'],
  },
];

export function relation(id: RelationId): Relation {
  const r = RELATIONS.find((x) => x.id === id);
  if (!r) throw new Error(`unknown relation ${id}`);
  return r;
}

/** Occupations (real words, the answers of `occupation`) and the one tool each uses (`tool`). */
export const OCCUPATION_TOOLS: readonly [occupation: string, tool: string][] = [
  ['painter', 'brush'],
  ['farmer', 'plough'],
  ['sailor', 'compass'],
  ['baker', 'oven'],
  ['doctor', 'stethoscope'],
  ['miner', 'pickaxe'],
  ['weaver', 'loom'],
  ['potter', 'wheel'],
  ['carpenter', 'saw'],
  ['fisher', 'net'],
  ['tailor', 'needle'],
  ['blacksmith', 'anvil'],
  ['gardener', 'spade'],
  ['butcher', 'cleaver'],
  ['astronomer', 'telescope'],
  ['scribe', 'quill'],
];

/**
 * Persona frames: `{role}` from the relation's roles; `{q}` the question with its first word
 * lower-cased (unless it starts with a name), `{Q}` the question as is.
 */
export const PERSONA_FRAMES: readonly string[] = [
  'As a {role}, tell me, {q}',
  'I am a {role}. {Q}',
  'Speaking as a {role}, {q}',
  'A {role} wants to know, {q}',
  'Dear friend, as a {role} I must ask, {q}',
];

function withArticle(word: string): string {
  return (/^[aeiou]/i.test(word) ? 'an ' : 'a ') + word;
}

/** Fills a question template with its subject. */
export function fillTemplate(template: string, subject: string): string {
  const a = withArticle(subject);
  return template
    .replaceAll('{s}', subject)
    .replaceAll('{a_s}', a)
    .replaceAll('{A_s}', a[0].toUpperCase() + a.slice(1));
}

/** Wraps a filled question in a persona frame. */
export function personaPrompt(frame: string, role: string, question: string, startsWithName: boolean): string {
  const q = startsWithName ? question : question[0].toLowerCase() + question.slice(1);
  return frame.replaceAll('{role}', role).replaceAll('{q}', q).replaceAll('{Q}', question);
}
