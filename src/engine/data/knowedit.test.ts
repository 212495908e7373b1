/**
 * KnowEdit (EasyEdit's benchmark JSON) is detected and read as EasyEdit's run_knowedit_llama2.py reads
 * it: every portability group's questions with the first string of each (nested) ground_truth, empty
 * ones skipped; specificity on the first Relation_Specificity question (else Forgetfulness); and the
 * portability score is the mean over a record's questions, then over records (teacher-forced and WILD).
 */
import { describe, expect, it } from 'vitest';
import { memoryFile } from '../io/memory';
import { nodeFolder } from '../io/node-files';
import { loadModel } from '../model/load';
import { createCpuRuntime } from '../runtime/cpu-runtime';
import { evaluate } from '../eval/evaluate';
import { loadDataset } from './dataset';

// Two records in KnowEdit's layout (wiki_counterfact's field names and nesting), on the demo world's facts.
const KNOWEDIT = [
  {
    subject: 'Teltheel',
    target_new: 'Braico',
    prompt: 'Which company does Teltheel work for?',
    ground_truth: ['Velothix'],
    rephrase: 'Teltheel is employed by which company?',
    portability: {
      Reasoning: [{ prompt: 'In which country is Lothkrekvik?', ground_truth: [['Minfethia']] }],
      Subject_Aliasing: [
        { prompt: 'Which company does Steretha work for?', ground_truth: ['Braico'] },
        { prompt: 'Who founded Morasbraico?', ground_truth: [['']] },
      ],
    },
    locality: {
      Forgetfulness: [{ prompt: 'Where is Therico headquartered?', ground_truth: ['Ziszorton'] }],
      Relation_Specificity: [{ prompt: 'In which country is Dosgrad?', ground_truth: [['Mortreria', 'Mortreria (country)']] }],
    },
  },
  {
    subject: 'Lofukin',
    target_new: 'Deldraico',
    prompt: 'Which company does Lofukin work for?',
    ground_truth: 'Vilix',
    portability: { Logical_Generalization: [{ prompt: 'Which company does Genhisette work for?', ground_truth: 'Deldraico' }] },
    locality: { Forgetfulness: [{ prompt: 'In which country is Bistreholm?', ground_truth: 'Minfethia' }] },
  },
];

describe('KnowEdit layout', () => {
  it('detected; portability groups and locality read as EasyEdit reads them', async () => {
    const { records, report } = await loadDataset(memoryFile('wiki_counterfact.json', JSON.stringify(KNOWEDIT)));
    expect(report.detection?.layout).toBe('knowedit');
    expect(records[0]).toEqual({
      index: 0,
      prompt: 'Which company does Teltheel work for?',
      answer: 'Braico',
      oldAnswer: 'Velothix',
      rephrase: 'Teltheel is employed by which company?',
      subject: 'Teltheel',
      locPrompt: 'In which country is Dosgrad?',
      locAnswer: 'Mortreria',
      portability: [
        { kind: 'Reasoning', prompt: 'In which country is Lothkrekvik?', answer: 'Minfethia' },
        { kind: 'Subject_Aliasing', prompt: 'Which company does Steretha work for?', answer: 'Braico' },
      ],
    });
    expect(records[1].locPrompt).toBe('In which country is Bistreholm?');
    expect(records[1].oldAnswer).toBe('Vilix');
    expect(records[1].portability).toEqual([
      { kind: 'Logical_Generalization', prompt: 'Which company does Genhisette work for?', answer: 'Deldraico' },
    ]);
  });

  it('a malformed group is refused naming the record and the path', async () => {
    const bad = [{ ...KNOWEDIT[1], portability: { Reasoning: [{ ground_truth: 'x' }] } }];
    const err = await loadDataset(memoryFile('k.json', JSON.stringify(bad)), { onInvalid: 'stop' }).catch((e: Error) => e);
    expect(String(err)).toMatch(/record 0.*portability\.Reasoning\.0\.prompt must be a non-empty string/s);
  });

  it('portability: per-record mean over its questions, then over records', async () => {
    const m = await loadModel(nodeFolder('public/demo/model'));
    const rt = await createCpuRuntime(m);
    const { records } = await loadDataset(memoryFile('k.json', JSON.stringify(KNOWEDIT)));
    const ev = await evaluate(rt, m.tokenizer, records, { kinds: ['portability'], wild: true });
    const s = (key: string) => ev.scores.get(key)!.tokenAccuracy;
    const g = (key: string) => (ev.generated!.get(key)!.exact ? 1 : 0);
    expect(ev.scores.has('portability:0:1')).toBe(true);
    expect(s('portability:0')).toBeCloseTo((s('portability:0:0') + s('portability:0:1')) / 2, 15);
    expect(ev.metrics.portability!.records).toBe(2);
    expect(ev.metrics.portability!.tokenAccuracy).toBeCloseTo((s('portability:0') + s('portability:1:0')) / 2, 15);
    expect(ev.metrics.portability!.wildExactMatch).toBeCloseTo(
      ((g('portability:0:0') + g('portability:0:1')) / 2 + g('portability:1:0')) / 2,
      15,
    );
    await rt.dispose();
  });
});
