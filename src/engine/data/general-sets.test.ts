/**
 * The general-capability readers on files in the exact layouts users have: GLUE's own TSVs (SST-2
 * and RTE with headers, CoLA without, MRPC's BOM-headed Quality/#1 String, MNLI's dev_matched with
 * its sixteen columns), MMLU's own headerless CSV, the Hugging Face datasets' JSON Lines / JSON exports (glue sst2, mnli; cais/mmlu),
 * each label mapped to the reference's meaning; and the messages for a missing column, an
 * ambiguous file and a bad label.
 */
import { describe, expect, it } from 'vitest';
import { memoryFile } from '../io/memory';
import { parseGeneralSpec, readGeneralSets } from './general-sets';

const read = async (name: string, text: string, task: Parameters<typeof readGeneralSets>[1] = null) =>
  readGeneralSets(memoryFile(name, text), task);

describe('GLUE TSVs', () => {
  it('SST-2 dev.tsv (sentence, label), quotes kept as text', async () => {
    const [s] = await read(
      'SST-2/dev.tsv',
      'sentence\tlabel\nit \'s a charming and often affecting journey . \t1\n"unflinchingly bleak" . \t0\n',
    );
    expect(s.task).toBe('sst2');
    expect(s.examples).toEqual([
      { sentence: "it 's a charming and often affecting journey . ", label: 1 },
      { sentence: '"unflinchingly bleak" . ', label: 0 },
    ]);
  });
  it('CoLA dev.tsv: no header, four fields', async () => {
    const [s] = await read(
      'CoLA/dev.tsv',
      'gj04\t1\t\tThe sailors rode the breeze clear of the rocks.\r\ngj04\t0\t*\tThe more we study verbs, the crazier they get they.\r\n',
    );
    expect(s.task).toBe('cola');
    expect(s.examples.map((e) => [e.sentence, e.label])).toEqual([
      ['The sailors rode the breeze clear of the rocks.', 1],
      ['The more we study verbs, the crazier they get they.', 0],
    ]);
  });
  it('MRPC dev.tsv: BOM, Quality and #1/#2 String', async () => {
    const [s] = await read(
      'MRPC/dev.tsv',
      '\uFEFFQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\t1355540\t1355592\tHe said the pie business doesn \'t fit .\t"The pie business does not fit our long-term growth strategy .\n',
    );
    expect(s.task).toBe('mrpc');
    expect(s.examples[0]).toEqual({
      sentence1: "He said the pie business doesn 't fit .",
      sentence2: '"The pie business does not fit our long-term growth strategy .',
      label: 1,
    });
  });
  it('RTE dev.tsv: entailment is "True" (label 1), not_entailment 0', async () => {
    const [s] = await read(
      'RTE/dev.tsv',
      'index\tsentence1\tsentence2\tlabel\n0\tDana Reeve died.\tReeve had an accident.\tnot_entailment\n1\tA B.\tA.\tentailment\n',
    );
    expect(s.examples.map((e) => e.label)).toEqual([0, 1]);
  });
  it('MNLI dev_matched.tsv: gold_label, neutral and contradiction are 0, "-" left out', async () => {
    const head =
      'index\tpromptID\tpairID\tgenre\tsentence1_binary_parse\tsentence2_binary_parse\tsentence1_parse\tsentence2_parse\tsentence1\tsentence2\tlabel1\tlabel2\tlabel3\tlabel4\tlabel5\tgold_label';
    const row = (i: number, gold: string) =>
      `${i}\t1\t1n\tgov\t( x )\t( y )\t(ROOT x)\t(ROOT y)\tPremise ${i}.\tHypothesis ${i}.\t${gold}\t${gold}\t${gold}\t${gold}\t${gold}\t${gold}`;
    const [s] = await read(
      'MNLI/dev_matched.tsv',
      [head, row(0, 'neutral'), row(1, 'entailment'), row(2, 'contradiction'), row(3, '-')].join('\n') + '\n',
    );
    expect(s.task).toBe('nli');
    expect(s.examples.map((e) => [e.sentence1, e.label])).toEqual([
      ['Premise 0.', 0],
      ['Premise 1.', 1],
      ['Premise 2.', 0],
    ]);
  });
  it('names the missing column: an RTE file without sentence2', async () => {
    await expect(read('RTE/dev.tsv', 'index\tsentence1\tlabel\n0\tA.\tentailment\n')).rejects.toThrow(
      /RTE\/dev\.tsv: RTE .* needs column "sentence2"; the file has "index", "sentence1", "label"/,
    );
  });
});

describe('Hugging Face exports', () => {
  it('glue sst2 JSON Lines, told by its name', async () => {
    const [s] = await read(
      'sst2-validation.jsonl',
      '{"sentence":"a gem . ","label":1,"idx":0}\n{"sentence":"dull . ","label":0,"idx":1}\n',
    );
    expect([s.task, s.examples.length, s.examples[1].label]).toEqual(['sst2', 2, 0]);
  });
  it('sentence/label fits SST-2 and CoLA: an unnamed file must say which', async () => {
    await expect(read('validation.jsonl', '{"sentence":"x","label":1,"idx":0}\n')).rejects.toThrow(/fit SST-2 and CoLA; say which/);
    const [s] = await read('validation.jsonl', '{"sentence":"x","label":1,"idx":0}\n', parseGeneralSpec('cola=validation.jsonl').task);
    expect(s.task).toBe('cola');
  });
  it('glue mnli: label 0 = entailment → 1; a test split (−1) is refused with its line', async () => {
    const [s] = await read(
      'mnli_validation_matched.jsonl',
      '{"premise":"P","hypothesis":"H","label":0,"idx":0}\n{"premise":"P","hypothesis":"H","label":2,"idx":1}\n',
    );
    expect(s.examples.map((e) => e.label)).toEqual([1, 0]);
    await expect(read('mnli_test.jsonl', '{"premise":"P","hypothesis":"H","label":-1,"idx":0}\n')).rejects.toThrow(
      /mnli_test\.jsonl, line 1, column "label": .*a test split/,
    );
  });
  it('cais/mmlu JSON array: four choices, answer index', async () => {
    const [s] = await read('mmlu-test.json', '[{"question":"2+2?","subject":"math","choices":["3","4","5","6"],"answer":1}]');
    expect(s.examples[0]).toEqual({ question: '2+2?', choices: ['3', '4', '5', '6'], label: 1 });
    await expect(read('mmlu-test.json', '[{"question":"q","subject":"m","choices":["a","b"],"answer":0}]')).rejects.toThrow(
      /column "choices": must hold 4 choices, got 2/,
    );
  });
  it("MMLU's own CSV: no header, quoted fields, the answer's letter", async () => {
    const [s] = await read(
      'data/test/abstract_algebra_test.csv',
      'Find the degree for the given field extension Q(sqrt(2)) over Q.,0,4,2,6,C\n"Let p = (1, 2, 5, 4)(2, 3) in S_5 . Find the index of <p> in S_5.",8,2,24,120,C\n',
    );
    expect(s.task).toBe('mmlu');
    expect(s.examples[1]).toEqual({
      question: 'Let p = (1, 2, 5, 4)(2, 3) in S_5 . Find the index of <p> in S_5.',
      choices: ['8', '2', '24', '120'],
      label: 2,
    });
    await expect(read('mmlu_test.csv', 'q,a,b,c,d,E\n')).rejects.toThrow(
      /mmlu_test\.csv, line 1, column "answer": must be one of 0, 1, 2, 3, got "E"/,
    );
  });
  it("the lab's multiple-choice layout: one set per task", async () => {
    const sets = await read(
      'general.json',
      '[{"task":"demo.a","prompt":"Q1?","choices":["x","y"],"answer":1},{"task":"demo.b","prompt":"Q2?","choices":["x","y"],"answer":"x"}]',
    );
    expect(sets.map((s) => [s.key, s.examples[0].label])).toEqual([
      ['demo.a', 1],
      ['demo.b', 0],
    ]);
  });
  it('an unknown layout lists the ones there are', async () => {
    await expect(read('data.jsonl', '{"text":"x","y":1}\n')).rejects.toThrow(
      /no general-capability layout fits: the file has "text", "y"; the layouts are SST-2/,
    );
  });
});
