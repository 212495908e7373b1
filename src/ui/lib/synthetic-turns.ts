/**
 * Synthetic run records for tests and the chart preview page — never real measurements. The shapes
 * are plausible (update norms that settle, condition numbers that grow, accuracy that decays slowly)
 * so charts can be judged by eye, and everything comes from a seeded Rng so tests are reproducible.
 */
import { Rng } from '../../engine/util/rng';
import type { MetricsRecord, TurnRecord } from '../../engine/run/events';
import type { ModuleDiagnostics } from '../../engine/editors/editor';
import type { MetricSummary } from '../../engine/eval/evaluate';

export interface SyntheticRunOptions {
  seed: number;
  turns: number;
  warmupTurns?: number;
  editsPerTurn?: number;
  modules?: string[];
  /** Scales how fast the synthetic accuracy decays (an "unstable" editor uses a larger value). */
  decay?: number;
  /** Emit a `sample` metrics record every this many target turns (0: never). */
  sampleEvery?: number;
}

export interface SyntheticRun {
  turns: TurnRecord[];
  metrics: MetricsRecord[];
}

const summary = (v: number, records: number): MetricSummary => ({ tokenAccuracy: v, exactMatch: Math.max(0, v - 0.15), records });

export function syntheticRun(o: SyntheticRunOptions): SyntheticRun {
  const rng = new Rng(o.seed);
  const modules = o.modules ?? ['model.layers.1.mlp.down_proj', 'model.layers.2.mlp.down_proj'];
  const per = o.editsPerTurn ?? 100;
  const warm = o.warmupTurns ?? 0;
  const decay = o.decay ?? 1;
  const turns: TurnRecord[] = [];
  const metrics: MetricsRecord[] = [];
  let wallMs = 0;
  const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
  const acc = (edits: number, base: number) => clamp01(base * Math.exp((-decay * edits) / 400000) + 0.02 * rng.normal());
  metrics.push({
    protocol: 'pre-edit',
    edits: 0,
    metrics: { efficacy: summary(0.3, per), generalization: summary(0.29, per), specificity: summary(0.32, per) },
  });
  for (let step = 0; step < warm + o.turns; step++) {
    const warmup = step < warm;
    const turn = warmup ? step : step - warm;
    const edits = warmup ? 0 : (turn + 1) * per;
    const timings = {
      tokenize: 2,
      capture: 40 + 5 * rng.uniform(),
      editor: 25 + 5 * rng.uniform(),
      apply: 3,
      evaluate: warmup ? 0 : 20,
      total: 0,
    };
    timings.total = timings.tokenize + timings.capture + timings.editor + timings.apply + timings.evaluate;
    wallMs += timings.total;
    const mods: ModuleDiagnostics[] = modules.map((module, j) => ({
      module,
      rows: per * 6,
      deltaNorm: (0.5 + j * 0.2) * (1 + 2 * Math.exp(-step / 10)) * Math.exp(0.05 * rng.normal()),
      cosinePrev: step === 0 ? null : 0.1 + 0.05 * rng.normal(),
      sigma: warmup || step < 2 ? 'diagonal' : 'full',
      lambdaMax: 1e-3 * (1 + step / 50) * Math.exp(0.1 * rng.normal()),
      conditionNumber: 10 * Math.pow(1 + step, 1.2 * decay) * Math.exp(0.1 * rng.normal()),
      meanDrift: step === 0 ? null : (1e-2 / Math.sqrt(step)) * Math.exp(0.2 * rng.normal()),
      covDrift: step < 3 ? null : (1e-3 / step) * Math.exp(0.2 * rng.normal()),
      solve: 'dual',
      timeMs: { stats: 4, whitening: j === 0 ? 12 : 0, solve: 6 },
    }));
    const loss = 4 * Math.exp(-step / 200) * decay + 0.3 * rng.uniform();
    const record: TurnRecord = {
      step,
      kind: warmup ? 'warmup' : 'target',
      turn,
      edits,
      loss,
      wallMs,
      timings,
      diagnostics: { turn, warmup, statisticsOnly: false, loss, modules: mods },
    };
    if (!warmup) {
      record.immediate = {
        protocol: 'immediate',
        edits,
        metrics: {
          efficacy: summary(acc(edits, 0.97), per),
          generalization: summary(acc(edits, 0.9), per),
          specificity: summary(acc(edits, 0.5), per),
        },
      };
      if (o.sampleEvery && (turn + 1) % o.sampleEvery === 0) {
        metrics.push({
          protocol: 'sample',
          edits,
          metrics: {
            efficacy: summary(acc(edits, 0.9), 200),
            generalization: summary(acc(edits, 0.85), 200),
            specificity: summary(acc(edits, 0.45), 200),
          },
        });
      }
    }
    turns.push(record);
  }
  const edits = o.turns * per;
  metrics.push({
    protocol: 'final',
    edits,
    metrics: {
      efficacy: summary(acc(edits, 0.88), edits),
      generalization: summary(acc(edits, 0.83), edits),
      specificity: summary(acc(edits, 0.47), edits),
      personas: summary(acc(edits, 0.6), edits),
      multihop: summary(acc(edits, 0.35), edits),
    },
  });
  return { turns, metrics };
}
