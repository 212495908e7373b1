import { describe, expect, it } from 'vitest';
import { DEMO_INTERACTIVE, DEMO_RUN } from '../engine/lab/demo-defaults';
import { validateRunConfig } from '../engine/run/config';
import { formFromConfig, formFromQuery, formToQuery, parseForm, wasmThreadsOf } from './settings';

const defaults = formFromConfig(DEMO_RUN, 'auto', DEMO_INTERACTIVE);

describe('settings form', () => {
  it('parses the demo defaults back to the same config, with no problems', () => {
    const { config, errors } = parseForm(defaults, DEMO_RUN);
    expect(errors).toEqual({});
    expect(config).toEqual(DEMO_RUN);
    expect(validateRunConfig(DEMO_RUN)).toEqual({});
  });

  it('names the field of a value that does not parse or is out of range', () => {
    const { errors } = parseForm({ ...defaults, lr: 'abc', nEdits: '2.5', modules: [], editStats: '1' }, DEMO_RUN);
    expect(errors.lr).toMatch(/positive number/);
    expect(errors.nEdits).toMatch(/whole number/);
    expect(errors.modules).toMatch(/at least one module/);
    expect(errors.editStats).toMatch(/≥ 2/);
    expect(Object.keys(errors).sort()).toEqual(['editStats', 'lr', 'modules', 'nEdits']);
  });

  it('carries the NIW prior only for stableedit-niw and checks it', () => {
    const niw = parseForm({ ...defaults, editor: 'stableedit-niw', kappa0: '2', nu0: '150', psi0: '-1' }, DEMO_RUN);
    expect(niw.config.niw).toEqual({ kappa0: 2, nu0: 150, psi0: -1 });
    expect(niw.errors.psi0).toMatch(/≥ 0/);
    expect(parseForm(defaults, DEMO_RUN).config.niw).toBeUndefined();
  });

  it('carries MEMIT / AlphaEdit settings only for them, empty fields keeping the defaults, errors under the field', () => {
    const memit = parseForm({ ...defaults, editor: 'memit', locLr: '0.3', locMom2Weight: '' }, DEMO_RUN);
    expect(memit.config.locate).toEqual({ lr: 0.3 });
    expect(memit.errors).toEqual({});
    expect(parseForm({ ...defaults, editor: 'alphaedit', locL2: '0' }, DEMO_RUN).errors.locL2).toMatch(/positive/);
    expect(parseForm({ ...defaults, locLr: '0.3' }, DEMO_RUN).config.locate).toBeUndefined();
  });

  it('round-trips every field through the URL query', () => {
    const form = {
      ...defaults,
      editor: 'ultraedit',
      modules: ['a.b', 'c.d'],
      lr: '3e-3',
      seed: '42',
      turns: '',
      warmupStatisticsOnly: true,
      warmupPlacement: 'q3',
      backend: 'wasm' as const,
      threads: '2',
      editorMath: 'gpu' as const,
    };
    const back = formFromQuery(formToQuery(form), defaults);
    expect(back.fromUrl).toBe(true);
    expect(back.form).toEqual(form);
  });

  it('keeps defaults for fields the query lacks and ignores unknown values', () => {
    const { form, fromUrl } = formFromQuery('seed=7&backend=quantum&warmupPlacement=nowhere&editorMath=tpu&threads=0&other=1', defaults);
    expect(fromUrl).toBe(true);
    expect(form).toEqual({ ...defaults, seed: '7' });
    expect(formFromQuery('', defaults)).toEqual({ form: defaults, fromUrl: false });
  });

  it('asks for the default wasm threads unless the form names a count', () => {
    expect(wasmThreadsOf(defaults)).toBeUndefined();
    expect(formToQuery(defaults)).not.toContain('threads');
    expect(wasmThreadsOf(formFromQuery('threads=1', defaults).form)).toBe(1);
    expect(wasmThreadsOf(formFromQuery('threads=2.5', defaults).form)).toBeUndefined();
  });
});
