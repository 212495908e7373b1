/** Every public-layout sample in /work/shared/samples reads to the records a reader of that layout expects. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset, scanDataset } from './dataset';
import type { LayoutId } from './layouts';
import { memoryFile } from '../io/memory';

const SAMPLES = '/work/shared/samples';
const sample = (name: string, chunk = 7) => memoryFile(name, readFileSync(join(SAMPLES, name)), chunk);

const CASES: { file: string; layout: LayoutId; records: object[] }[] = [
  {
    file: 'zsre.ultraedit.json',
    layout: 'zsre',
    records: [
      {
        index: 0,
        prompt: 'Which river flows through the city of Tarsavel?',
        rephrase: 'What is the name of the river that runs through Tarsavel?',
        answer: 'Oleander River',
        locPrompt: 'nq question: who composed the opera the silver lantern?',
        locAnswer: 'Henrik Vasse',
      },
      {
        index: 1,
        prompt: 'What language did Mira Oskendahl write in?',
        rephrase: "In which language were Mira Oskendahl's works written?",
        answer: 'Danish',
        locPrompt: 'nq question: when was the first bridge over the harlow estuary built?',
        locAnswer: '1887',
      },
    ],
  },
  {
    file: 'zsre.easyedit.json',
    layout: 'zsre-easyedit',
    records: [
      {
        index: 0,
        prompt: 'Which river flows through the city of Tarsavel?',
        rephrase: 'What is the name of the river that runs through Tarsavel?',
        answer: 'Oleander River',
        oldAnswer: 'Brisk River',
        locPrompt: 'nq question: who composed the opera the silver lantern?',
        locAnswer: 'Henrik Vasse',
        subject: 'Tarsavel',
      },
    ],
  },
  {
    file: 'counterfact.rome.json',
    layout: 'counterfact-rome',
    records: [
      {
        index: 0,
        prompt: 'The mother tongue of Arno Velkamp is',
        subject: 'Arno Velkamp',
        answer: 'Portuguese',
        oldAnswer: 'Dutch',
        rephrase: 'Arno Velkamp grew up speaking',
        locPrompt: 'The mother tongue of Lise Haarland is',
        locAnswer: 'Dutch',
      },
    ],
  },
  {
    file: 'counterfact.easyedit.json',
    layout: 'counterfact-easyedit',
    records: [
      {
        index: 0,
        prompt: 'The mother tongue of Arno Velkamp is',
        subject: 'Arno Velkamp',
        answer: 'Portuguese',
        oldAnswer: 'Dutch',
        rephrase: 'Arno Velkamp grew up speaking',
        locPrompt: 'The mother tongue of Lise Haarland is',
        locAnswer: 'Dutch',
      },
    ],
  },
  {
    file: 'fever.json',
    layout: 'fever',
    records: [
      {
        index: 0,
        prompt: 'Tarsavel is a port city.',
        rephrase: 'Tarsavel is a city with a port.',
        answer: 'REFUTES',
        locPrompt: 'Mira Oskendahl was a novelist.',
        locAnswer: 'SUPPORTS',
      },
    ],
  },
  {
    file: 'wikibigedit.json',
    layout: 'wikibigedit',
    records: [
      {
        index: 0,
        prompt: 'Who operates Orvel Station?',
        rephrase: 'Which company runs Orvel Station?',
        answer: 'Northline Rail',
        locPrompt: 'Who designed the Harlow Estuary bridge?',
        locAnswer: 'Edda Morn',
        personas: "Arr, matey, tell me which outfit be runnin' Orvel Station?",
        mhop: 'In which city is the headquarters of the operator of Orvel Station?',
        mhopAnswer: 'Kessbury',
        subject: 'Orvel Station',
      },
    ],
  },
  {
    file: 'ultraeditbench.json',
    layout: 'ultraeditbench',
    records: [
      {
        index: 0,
        prompt: 'The official language of Dravenmoor is',
        rephrase: 'In Dravenmoor, the official language is',
        answer: 'Estonian',
        locPrompt: 'The capital of Lundria is',
        locAnswer: 'Varn',
      },
    ],
  },
];

describe('public layout samples', () => {
  for (const c of CASES) {
    it(`${c.file} is detected as ${c.layout} and reads to the expected records`, async () => {
      // FEVER's rephrase is a seeded pick from a list; 'first' makes the expectation exact here.
      const { records, report } = await loadDataset(sample(c.file), { listPick: 'first' });
      expect(report.detection?.container).toBe('json');
      expect(report.detection?.layout).toBe(c.layout);
      expect(report.detection?.layoutReason).toMatch(/first record has/);
      expect(report.issueCount).toBe(0);
      expect(records).toEqual(c.records);
    });
  }

  it('the ZsRE "?" on loc prompts can be turned off', async () => {
    const { records } = await loadDataset(sample('zsre.ultraedit.json'), { zsreLocQuestionMark: false });
    expect(records[0].locPrompt).toBe('nq question: who composed the opera the silver lantern');
  });

  it('list fields are picked per record from the seed: repeatable, and every element reachable', async () => {
    const options = ['Tarsavel is a city with a port.', 'There is a port in the city of Tarsavel.'];
    const picks = new Set<string>();
    for (let seed = 0; seed < 16; seed++) {
      const a = (await loadDataset(sample('fever.json'), { seed })).records[0].rephrase!;
      const b = (await loadDataset(sample('fever.json'), { seed })).records[0].rephrase!;
      expect(b).toBe(a);
      expect(options).toContain(a);
      picks.add(a);
    }
    expect(picks.size).toBe(2);
  });

  it('the layout can be forced, and scan gives a preview', async () => {
    // ZsRE read as UltraEditBench has no "prompt": every record is reported, none crashes.
    const report = await scanDataset(sample('zsre.ultraedit.json'), { layout: 'ultraeditbench' });
    expect(report.detection?.layoutReason).toBe('chosen by the caller');
    expect(report.count).toBe(0);
    expect(report.issues.map((i) => [i.index, i.field, i.problem, i.outcome])).toEqual([
      [0, 'prompt', 'is missing', 'skipped'],
      [1, 'prompt', 'is missing', 'skipped'],
    ]);
    const ok = await scanDataset(sample('zsre.ultraedit.json'), { previewCount: 1 });
    expect(ok.count).toBe(2);
    expect(ok.preview.map((r) => r.answer)).toEqual(['Oleander River']);
  });
});
