/**
 * The general-capability tasks as the reference scores them (docs/design.md §2, "General
 * capability"; transcribed from StableEdit's glue_eval/{sst,mrpc,cola,rte,nli,mmlu}_eval.py, which
 * AlphaEdit and UltraEdit share): the zero-shot prompt, the label words (index = label), and how the
 * generated text is read back to a label (−1: it names none).
 *
 * Labels follow the reference: SST-2 1 = positive, CoLA 1 = acceptable, MRPC 1 = paraphrase, NLI
 * 1 = entailment, MMLU 0…3 = A…D. RTE: 1 = entailment = "True" — the reference reads Hugging Face's
 * RTE label as it stands (0 = entailment) and so pairs "True" with not_entailment; the lab keeps the
 * words' meaning instead (data/general-sets.ts maps every source to these labels).
 *
 * `choice` is the lab's own layout (the demo's set, or a user's): a question asked in the model's own
 * style, its candidate answers as the label words.
 */

export type GeneralTaskId = 'sst2' | 'mrpc' | 'cola' | 'rte' | 'nli' | 'mmlu' | 'choice';

export interface GeneralExample {
  /** SST-2, CoLA. */
  sentence?: string;
  /** MRPC, RTE, NLI. */
  sentence1?: string;
  sentence2?: string;
  /** MMLU. */
  question?: string;
  /** MMLU (four), `choice` (any number ≥ 2). */
  choices?: string[];
  /** `choice`: the question as the model is asked it. */
  prompt?: string;
  label: number;
}

export interface GeneralTask {
  id: GeneralTaskId;
  title: string;
  prompt(ex: GeneralExample): string;
  /** The label words, indexed by label. */
  labelWords(ex: GeneralExample): readonly string[];
  /**
   * The label the generated text names, or −1. `text` is the prompt with its continuation (the
   * reference's decoded output), `continuation` the generated part alone.
   */
  parse(text: string, continuation: string, ex: GeneralExample): number;
}

/** New tokens the reference generates for every task (GLUEEval.evaluate's gen_len = 5). */
export const GENERAL_GEN_LEN = 5;

/** The reference's `_get_answer`: the text after the last `marker`, stripped, tested word by word in order. */
function after(text: string, marker: string): string {
  return text.split(marker).at(-1)!.trim().toLowerCase();
}

function firstOf(answer: string, tests: readonly [word: string, label: number][]): number {
  for (const [word, label] of tests) if (answer.includes(word)) return label;
  return -1;
}

const sst2: GeneralTask = {
  id: 'sst2',
  title: 'SST-2',
  prompt: (ex) => 'Review :' + ex.sentence + '\nSentiment :',
  labelWords: () => ['negative', 'positive'],
  parse: (text) =>
    firstOf(after(text, 'Sentiment :'), [
      ['positive', 1],
      ['negative', 0],
    ]),
};

const cola: GeneralTask = {
  id: 'cola',
  title: 'CoLA',
  prompt: (ex) => 'Is this sentence linguistically acceptable?\n' + 'Sentence: ' + ex.sentence + '\n' + 'Answer: ',
  labelWords: () => ['No', 'Yes'],
  parse: (text) =>
    firstOf(after(text, 'Answer:'), [
      ['yes', 1],
      ['no', 0],
    ]),
};

const mrpc: GeneralTask = {
  id: 'mrpc',
  title: 'MRPC',
  prompt: (ex) =>
    'Are the sentences paraphrases of each other.\n' +
    'Sentence 1: ' +
    ex.sentence1 +
    '\n' +
    'Sentence 2: ' +
    ex.sentence2 +
    '\n' +
    'Answer:',
  labelWords: () => ['No', 'Yes'],
  parse: (text) =>
    firstOf(after(text, 'Answer:'), [
      ['yes', 1],
      ['no', 0],
    ]),
};

const rte: GeneralTask = {
  id: 'rte',
  title: 'RTE',
  prompt: (ex) => ex.sentence1 + '\n' + 'question: ' + ex.sentence2 + ' True or False?' + '\n' + 'answer:',
  labelWords: () => ['False', 'True'],
  parse: (text) =>
    firstOf(after(text, 'answer:'), [
      ['false', 0],
      ['true', 1],
    ]),
};

const NLI_POSTFIX = 'True or False? Answer:';
const nli: GeneralTask = {
  id: 'nli',
  title: 'NLI',
  prompt: (ex) => `${ex.sentence1} entails the ${ex.sentence2} ${NLI_POSTFIX}`,
  labelWords: () => ['False', 'True'],
  parse: (text) =>
    firstOf(after(text, NLI_POSTFIX), [
      ['true', 1],
      ['false', 0],
    ]),
};

const LETTERS = ['A', 'B', 'C', 'D'];
const mmlu: GeneralTask = {
  id: 'mmlu',
  title: 'MMLU',
  prompt: (ex) => 'Question: ' + ex.question + '\n' + ex.choices!.map((c, i) => `(${LETTERS[i]}) ${c}\n`).join('') + 'Answer:',
  labelWords: () => LETTERS,
  // mmlu_eval.py reads the continuation alone: "a\n" … "d\n" anywhere in it, lower-cased
  parse: (_text, continuation) =>
    firstOf(
      continuation.toLowerCase(),
      LETTERS.map((l, i) => [`${l.toLowerCase()}\n`, i]),
    ),
};

/**
 * The lab's own multiple-choice layout: the question as the model is used to it, the choices as
 * label words. The generated answer names the choice that appears first in the continuation (the
 * demo model never stops after its answer, so a later name is the next question's).
 */
const choice: GeneralTask = {
  id: 'choice',
  title: 'Multiple choice',
  prompt: (ex) => ex.prompt!,
  labelWords: (ex) => ex.choices!,
  parse: (_text, continuation, ex) => {
    const lower = continuation.toLowerCase();
    let best = -1;
    let at = Infinity;
    ex.choices!.forEach((c, i) => {
      const k = lower.indexOf(c.toLowerCase());
      if (k >= 0 && k < at) [best, at] = [i, k];
    });
    return best;
  },
};

export const GENERAL_TASKS: Readonly<Record<GeneralTaskId, GeneralTask>> = { sst2, mrpc, cola, rte, nli, mmlu, choice };
