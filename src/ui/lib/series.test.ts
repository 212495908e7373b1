import { describe, expect, it } from 'vitest';
import type { MetricsRecord, TurnRecord } from '../../engine/run/events';
import type { ModuleDiagnostics } from '../../engine/editors/editor';
import { chartSeries, evalProtocolsWithData, evalSeries, generalTasksOf, lossSeries, moduleSeries, modulesOf, warmupEnds } from './series';
import { syntheticRun } from './synthetic-turns';

function diag(module: string, deltaNorm: number | null, cosinePrev: number | null): ModuleDiagnostics {
  return {
    module,
    rows: 10,
    deltaNorm,
    cosinePrev,
    sigma: 'full',
    lambdaMax: 2,
    conditionNumber: 50,
    meanDrift: 0.1,
    covDrift: null,
    solve: 'dual',
    timeMs: { stats: 1, whitening: 1, solve: 1 },
  };
}

function turn(
  step: number,
  kind: 'warmup' | 'target',
  edits: number,
  wallMs: number,
  modules: ModuleDiagnostics[],
  eff?: number,
): TurnRecord {
  const t: TurnRecord = {
    step,
    kind,
    turn: step,
    edits,
    loss: 10 - step,
    wallMs,
    timings: { tokenize: 1, capture: 1, editor: 1, apply: 1, evaluate: 1, total: 5 },
    diagnostics: { turn: step, warmup: kind === 'warmup', statisticsOnly: false, loss: 10 - step, modules },
  };
  if (eff !== undefined)
    t.immediate = { protocol: 'immediate', edits, metrics: { efficacy: { tokenAccuracy: eff, exactMatch: eff / 2, records: 10 } } };
  return t;
}

const A = 'model.layers.1.mlp.down_proj';
const B = 'model.layers.2.mlp.down_proj';
const turns: TurnRecord[] = [
  turn(0, 'warmup', 0, 100, [diag(A, 1, null), diag(B, 2, null)]),
  turn(1, 'warmup', 0, 250, [diag(A, 1.5, 0.2), diag(B, 2.5, 0.3)]),
  turn(2, 'target', 10, 400, [diag(A, 3, 0.4), diag(B, null, null)], 0.9),
  turn(3, 'target', 20, 800, [diag(A, 4, -0.1)], 0.8),
];

describe('series extraction', () => {
  it('lists modules in order of first appearance', () => {
    expect(modulesOf(turns)).toEqual([A, B]);
  });

  it('per-module metric over turn, edits and wall time; missing values become NaN', () => {
    const byTurn = moduleSeries('r', turns, 'deltaNorm', B, 'turn');
    expect([...byTurn.xs]).toEqual([1, 2, 3, 4]); // turns count from 1, as the progress line does
    expect([...byTurn.ys]).toEqual([2, 2.5, NaN, NaN]);
    const byEdits = moduleSeries('r', turns, 'cosinePrev', A, 'edits');
    expect([...byEdits.xs]).toEqual([10, 20]); // warm-up turns are not on the edits axis
    expect([...byEdits.ys]).toEqual([0.4, -0.1]);
    const byWall = moduleSeries('r', turns, 'deltaNorm', A, 'wall');
    expect([...byWall.xs]).toEqual([0.1, 0.25, 0.4, 0.8]);
    expect(byWall.key).toBe(`r|${A}|deltaNorm`);
  });

  it('loss per turn', () => {
    const s = lossSeries('r', turns, 'turn');
    expect([...s.ys]).toEqual([10, 9, 8, 7]);
  });

  it('immediate scores come from turn records, other protocols from metrics records', () => {
    const imm = evalSeries('r', turns, [], 'efficacy', 'immediate', 'exactMatch', 'edits');
    expect([...imm.xs]).toEqual([10, 20]);
    expect([...imm.ys].map((v) => +v.toFixed(9))).toEqual([45, 40]); // percent
    const metrics: MetricsRecord[] = [
      { protocol: 'sample', edits: 20, metrics: { efficacy: { tokenAccuracy: 0.7, exactMatch: 0.6, records: 5 } } },
      { protocol: 'pre-edit', edits: 0, metrics: { efficacy: { tokenAccuracy: 0.3, exactMatch: 0.1, records: 5 } } },
      { protocol: 'sample', edits: 10, metrics: { efficacy: { tokenAccuracy: 0.75, exactMatch: 0.6, records: 5 } } },
    ];
    const sample = evalSeries('r', turns, metrics, 'efficacy', 'sample', 'tokenAccuracy', 'turn');
    expect([...sample.xs]).toEqual([3, 4]); // placed at the (1-based) target turn with that edits count, sorted
    expect([...sample.ys].map((v) => +v.toFixed(9))).toEqual([75, 70]);
    const pre = evalSeries('r', turns, metrics, 'efficacy', 'pre-edit', 'tokenAccuracy', 'wall');
    expect([...pre.xs]).toEqual([0]);
    expect([...pre.ys].map((v) => +v.toFixed(9))).toEqual([30]);
  });

  it('finds the protocols under which a metric was scored (immediate scores no specificity)', () => {
    const run = syntheticRun({ seed: 3, turns: 6, modules: [A], sampleEvery: 2 });
    for (const t of run.turns) delete t.immediate!.metrics.specificity;
    const all = ['immediate', 'sample', 'final'] as const;
    expect(evalProtocolsWithData([run], 'efficacy', all)).toEqual(['immediate', 'sample', 'final']);
    expect(evalProtocolsWithData([run], 'specificity', all)).toEqual(['sample', 'final']);
    expect(evalProtocolsWithData([{ turns: [], metrics: [] }], 'specificity', all)).toEqual([]);
  });

  it('chartSeries gives one series per run and selected module present in that run', () => {
    const runs = [
      { id: 'a', turns, metrics: [] },
      {
        id: 'b',
        turns: turns.slice(0, 1).map((t) => ({ ...t, diagnostics: { ...t.diagnostics, modules: [diag(A, 1, null)] } })),
        metrics: [],
      },
    ];
    const s = chartSeries(runs, { kind: 'module', metric: 'deltaNorm' }, [A, B], 'turn');
    expect(s.map((x) => x.key)).toEqual([`a|${A}|deltaNorm`, `a|${B}|deltaNorm`, `b|${A}|deltaNorm`]);
  });

  it('on a synthetic run, every extracted value is the one stored in its record', () => {
    const run = syntheticRun({ seed: 7, turns: 60, warmupTurns: 5, modules: [A, B] });
    const s = moduleSeries('x', run.turns, 'conditionNumber', B, 'wall');
    expect(s.xs.length).toBe(65);
    run.turns.forEach((t, i) => {
      expect(s.xs[i]).toBe(t.wallMs / 1000);
      expect(s.ys[i]).toBe(t.diagnostics.modules[1].conditionNumber);
    });
  });

  it('marks where the warm-up ends on each x axis', () => {
    const warm = syntheticRun({ seed: 4, turns: 6, warmupTurns: 2, modules: [A] });
    const lastWarm = warm.turns.filter((t) => t.kind === 'warmup').at(-1)!;
    expect(warmupEnds([warm], 'turn')).toEqual([lastWarm.step + 1.5]);
    expect(warmupEnds([warm], 'edits')).toEqual([lastWarm.edits]);
    expect(warmupEnds([warm], 'wall')).toEqual([lastWarm.wallMs / 1000]);
    // Two runs with the same warm-up share one mark; a run without warm-up adds none.
    expect(warmupEnds([warm, warm, syntheticRun({ seed: 5, turns: 3, modules: [A] })], 'turn')).toHaveLength(1);
  });
});

describe('general capability series (the paper’s Fig. 2)', () => {
  const score = (f1: number) => ({
    title: 't',
    correct: 0,
    incorrect: 0,
    invalid: 0,
    total: 1,
    f1,
    f1_new: 0,
    mcc: 0,
    accuracy: 0,
    accuracy_new: 0,
  });
  it('one series per task, in %, pre-edit at x = 0, records without the task left out', () => {
    const run = syntheticRun({ seed: 3, turns: 4, modules: [A], sampleEvery: 2 });
    const metrics: MetricsRecord[] = [
      { protocol: 'pre-edit', edits: 0, metrics: {}, general: { sst2: score(0.5), rte: score(0.25) } },
      { protocol: 'sample', edits: 200, metrics: {} },
      { protocol: 'final', edits: 400, metrics: {}, general: { sst2: score(0.75), rte: score(0) } },
    ];
    const r = { id: 'r', turns: run.turns, metrics };
    expect(generalTasksOf([r])).toEqual(['sst2', 'rte']);
    const [sst2, rte] = chartSeries([r], { kind: 'general', tasks: ['sst2', 'rte'] }, [], 'edits');
    expect([sst2.module, [...sst2.xs], [...sst2.ys]]).toEqual(['sst2', [0, 400], [50, 75]]);
    expect([rte.module, [...rte.ys]]).toEqual(['rte', [25, 0]]);
  });
});
