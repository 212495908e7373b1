import { describe, expect, it } from 'vitest';
import { csvField } from './csv';
import { easyEditJson, toEasyEditCases, type PerEditResult } from './easyedit-json';
import { metricsCsv } from './metrics-csv';
import { syntheticRun } from './synthetic-turns';

/** Minimal RFC 4180 reader for checking our own output. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') ((field += '"'), i++);
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') (row.push(field), (field = ''));
    else if (c === '\r' && text[i + 1] === '\n') (row.push(field), rows.push(row), (row = []), (field = ''), i++);
    else field += c;
  }
  return rows;
}

describe('csv', () => {
  it('quotes commas, quotes and newlines; empty for null', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('x\ny')).toBe('"x\ny"');
    expect(csvField(null)).toBe('');
    expect(csvField(0.1 + 0.2)).toBe('0.30000000000000004');
  });
});

describe('metricsCsv', () => {
  const A = 'model.layers.1.mlp.down_proj';
  const B = 'model.layers.2.mlp.down_proj';
  const run = syntheticRun({ seed: 4, turns: 12, warmupTurns: 3, modules: [A, B] });
  const table = parseCsv(metricsCsv(run.turns));
  const [header, ...rows] = table;

  it('has one row per turn and columns per module metric', () => {
    expect(rows.length).toBe(15);
    expect(header.slice(0, 6)).toEqual(['step', 'kind', 'turn', 'edits', 'wall_ms', 'loss']);
    for (const m of [A, B]) {
      for (const c of ['delta_norm', 'cosine_prev', 'lambda_max', 'condition_number', 'mean_drift', 'cov_drift', 'sigma']) {
        expect(header).toContain(`${m}/${c}`);
      }
    }
    expect(header).toContain('immediate/efficacy/token_acc');
    expect(new Set(header).size).toBe(header.length);
    for (const r of rows) expect(r.length).toBe(header.length);
  });

  it('cells round-trip the record values; null diagnostics are empty', () => {
    const col = (name: string) => header.indexOf(name);
    run.turns.forEach((t, i) => {
      const r = rows[i];
      expect(Number(r[col('step')])).toBe(t.step);
      expect(r[col('kind')]).toBe(t.kind);
      expect(Number(r[col('loss')])).toBe(t.loss);
      const b = t.diagnostics.modules[1];
      expect(Number(r[col(`${B}/condition_number`)])).toBe(b.conditionNumber);
      expect(r[col(`${B}/cosine_prev`)]).toBe(b.cosinePrev === null ? '' : String(b.cosinePrev));
      expect(r[col('immediate/efficacy/token_acc')]).toBe(t.immediate ? String(t.immediate.metrics.efficacy!.tokenAccuracy) : '');
    });
  });
});

describe('EasyEdit JSON', () => {
  const results: PerEditResult[] = [
    {
      caseId: 0,
      prompt: 'The capital of France is',
      targetNew: 'Lyon',
      groundTruth: 'Paris',
      rephrase: "France's capital city is",
      locPrompt: 'The largest ocean is',
      locAnswer: 'the Pacific',
      pre: { rewriteAcc: 0, rephraseAcc: 0.5, localityAcc: 1 },
      post: { rewriteAcc: 1, rephraseAcc: 1, localityAcc: 0.5, personasAcc: 0.25 },
    },
    { caseId: 7, prompt: 'p', targetNew: 't', pre: { rewriteAcc: 0.2 }, post: { rewriteAcc: 0.8 } },
  ];

  it('writes the all_metrics layout', () => {
    const cases = JSON.parse(easyEditJson(results));
    expect(cases).toEqual([
      {
        case_id: 0,
        requested_rewrite: {
          prompt: 'The capital of France is',
          target_new: 'Lyon',
          ground_truth: 'Paris',
          rephrase_prompt: "France's capital city is",
          locality: { neighborhood: { prompt: 'The largest ocean is', ground_truth: 'the Pacific' } },
        },
        pre: { rewrite_acc: [0], rephrase_acc: [0.5], locality: { neighborhood_acc: [1] } },
        post: { rewrite_acc: [1], rephrase_acc: [1], locality: { neighborhood_acc: [0.5] }, portability: { personas_acc: [0.25] } },
      },
      { case_id: 7, requested_rewrite: { prompt: 'p', target_new: 't' }, pre: { rewrite_acc: [0.2] }, post: { rewrite_acc: [0.8] } },
    ]);
    expect(toEasyEditCases([]).length).toBe(0);
  });
});
