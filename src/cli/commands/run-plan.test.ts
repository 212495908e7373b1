import { describe, expect, it } from 'vitest';
import { DEMO_RUN } from '../../engine/lab/demo-defaults';
import { parseFlags, UsageError } from '../args';
import { DEMO_WARMUP } from '../demo-preset';
import { FLAGS, planRun } from './run';
import { DEMO_GENERAL } from '../demo-preset';

const plan = (argv: string[]) => planRun(parseFlags(argv, FLAGS));
const demo = ['--model', 'public/demo/model', '--data', 'public/demo/data/edits.eval.json', '--out', 'x'];

describe('run settings from flags', () => {
  it('the demo model on the demo stream without settings flags takes the page preset', () => {
    const p = plan([...demo, '--editor', 'ultraedit']);
    expect(p.config).toEqual({ ...DEMO_RUN, editor: 'ultraedit' });
    expect(p.warmupData).toBe(DEMO_RUN.warmupTurns > 0 ? DEMO_WARMUP : undefined);
    expect(p.presetNote).toMatch(/demo preset/);
  });

  it('general capability: the preset scores the demo set, --general replaces it, its settings need a set', () => {
    expect(plan([...demo, '--editor', 'ultraedit']).general).toEqual([DEMO_GENERAL]);
    const p = plan([
      ...demo,
      '--editor',
      'ultraedit',
      '--general',
      'cola=a.jsonl,b/RTE/dev.tsv',
      '--general-every',
      '10',
      '--general-size',
      '50',
    ]);
    expect(p.general).toEqual(['cola=a.jsonl', 'b/RTE/dev.tsv']);
    expect([p.config.generalEvery, p.config.generalSize]).toEqual([10, 50]);
    const settings = ['--modules', 'model.layers.2.mlp.down_proj', '--lr', '1', '--ridge', '1', '--n-edits', '2', '--sub-batch', '1'];
    expect(plan([...demo, '--editor', 'ft', ...settings]).general).toEqual([]);
    expect(() => plan([...demo, '--editor', 'ft', ...settings, '--general-every', '10'])).toThrow(
      /--general-every is a setting of --general FILE/,
    );
    expect(() => plan([...demo, '--editor', 'ft', '--general-every', '3'])).toThrow(
      /--general-every must be 0 or a multiple of sampleEvery \(5\)/,
    );
  });

  it('any other model, or one settings flag given, needs them all: one usage error listing what is missing', () => {
    const err = (argv: string[]) => {
      try {
        plan(argv);
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err(['--model', 'm', '--data', 'd.json', '--editor', 'ft', '--out', 'x'])).toMatch(
      /^missing --modules, --lr, --ridge, --n-edits, --sub-batch \(only the demo model/,
    );
    expect(err([...demo, '--editor', 'ft', '--lr', '1e-3'])).toMatch(/^missing --modules, --ridge, --n-edits, --sub-batch/);
    expect(err(['--data', 'd.json'])).toBe('missing --model, --editor, --out');
  });

  it('MEMIT / AlphaEdit: their flags set config.locate, need a corpus off the demo, and belong to them alone', () => {
    const p = plan([...demo, '--editor', 'alphaedit', '--v-lr', '0.2', '--alpha-l2', '1', '--stats-samples', '500']);
    expect(p.config.locate).toEqual({ lr: 0.2, l2: 1, mom2Samples: 500 });
    expect(p.statsCorpus).toMatch(/public\/demo\/data\/train-corpus\.json$/);
    const other = ['--model', 'm', '--data', 'd.json', '--out', 'x', '--modules', 'a', '--lr', '1', '--ridge', '1', '--n-edits', '1'];
    expect(() => plan([...other, '--sub-batch', '1', '--editor', 'memit'])).toThrow(/--editor memit needs --stats-corpus FILE/);
    expect(plan([...other, '--sub-batch', '1', '--editor', 'memit', '--stats-corpus', 'c.txt']).statsCorpus).toBe('c.txt');
    expect(() => plan([...demo, '--editor', 'stableedit', '--mom2-weight', '10'])).toThrow(
      /--mom2-weight is a setting of --editor memit or alphaedit/,
    );
    expect(() => plan([...demo, '--editor', 'memit', '--clamp-norm', '-1'])).toThrow(/--clamp-norm must be a positive number \(got -1\)/);
  });

  it('settings problems are usage errors naming the flag', () => {
    expect(() => plan([...demo, '--editor', 'ft', '--sample-size', '0'])).toThrow(/--sample-size must be a whole number ≥ 1 \(got 0\)/);
    expect(() => plan([...demo, '--editor', 'ft', '--threads', '0'])).toThrow(/--threads must be a whole number ≥ 1 \(got 0\)/);
  });
});

describe('flag parsing', () => {
  it('rejects unknown flags with the nearest, stray words, missing and malformed values', () => {
    expect(() => parseFlags(['--turn', '3'], FLAGS)).toThrow('unknown flag --turn; did you mean --turns?');
    expect(() => parseFlags(['--learning-rate', '3'], FLAGS)).toThrow('did you mean --lr?');
    expect(() => parseFlags(['--zzzzzzzz', '3'], FLAGS)).toThrow(/^unknown flag --zzzzzzzz$/);
    expect(() => parseFlags(['--turns', '3', 'x'], FLAGS)).toThrow('unexpected argument "x"');
    expect(() => parseFlags(['--turns'], FLAGS)).toThrow('--turns needs a value');
    expect(() => parseFlags(['--turns', '2.5'], FLAGS)).toThrow('--turns must be a whole number, got "2.5"');
    expect(() => parseFlags(['--editor', 'rome'], FLAGS)).toThrow(/--editor must be one of .*got "rome"/);
    expect(parseFlags(['--lr', '-1e-3', '--restart', '--turns=4'], FLAGS)).toEqual({ lr: '-1e-3', restart: true, turns: '4' });
  });
});
