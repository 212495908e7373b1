/** What each chart is called and how it is drawn by default; one place so the dashboard, legends and exports agree. */
import type { MetricKind } from '../../engine/eval/evaluate';
import type { EvalProtocol } from '../../engine/run/events';
import type { ChartMetric, EvalMeasure, ModuleMetric, RecordScalar, XAxis } from '../lib/series';

export const MODULE_METRIC_INFO: Record<ModuleMetric, { title: string; axis: string; hint: string; log: boolean }> = {
  deltaNorm: { title: 'Update norm ‖ΔW‖_F', axis: '‖ΔW‖_F', hint: 'Frobenius norm of each turn’s weight update', log: true },
  cosinePrev: { title: 'Cosine with previous update', axis: 'cosine', hint: 'Frobenius cosine between ΔW_t and ΔW_{t−1}', log: false },
  conditionNumber: {
    title: 'Condition number of Σ',
    axis: 'κ(Σ)',
    hint: 'λmax / max(λmin, 1e-6) of the value-gradient covariance',
    log: true,
  },
  lambdaMax: { title: 'λmax of Σ', axis: 'λmax', hint: 'largest eigenvalue of the value-gradient covariance', log: true },
  meanDrift: { title: 'Mean drift ‖μ_t − μ_{t−1}‖', axis: '‖Δμ‖', hint: 'change of the value-gradient mean between turns', log: true },
  covDrift: {
    title: 'Covariance drift ‖Σ_t − Σ_{t−1}‖_F',
    axis: '‖ΔΣ‖_F',
    hint: 'change of the value-gradient covariance between turns',
    log: true,
  },
};

export const METRIC_KIND_TITLE: Record<MetricKind, string> = {
  efficacy: 'Efficacy',
  generalization: 'Generalization',
  specificity: 'Specificity',
  personas: 'Personas',
  multihop: 'Reasoning (multi-hop)',
  portability: 'Portability (KnowEdit)',
};

export const PROTOCOL_TITLE: Record<EvalProtocol, string> = {
  immediate: 'immediate (each turn’s edits, right after its update)',
  sample: 'sample (a seeded sample of all edits so far)',
  final: 'final (every edit, after the last turn)',
  'pre-edit': 'pre-edit model',
};

export const PROTOCOL_SHORT: Record<EvalProtocol, string> = {
  immediate: 'immediate',
  sample: 'sample',
  final: 'final',
  'pre-edit': 'pre-edit',
};

export const MEASURE_TITLE: Record<EvalMeasure, string> = {
  tokenAccuracy: 'token accuracy',
  exactMatch: 'exact match',
  wildExactMatch: 'WILD exact match (generated)',
  wildF1: 'WILD token F1 (generated)',
};

export const SCALAR_TITLE: Record<RecordScalar, string> = {
  fluency: "Fluency — ROME's bi/tri-gram entropy of sampled continuations (bits)",
  driftCosine: 'Representation drift — mean cosine, pre-edit vs current final-layer states',
  driftCka: 'Representation drift — linear CKA, pre-edit vs current final-layer states',
};

/** The y axis of a record scalar, with its unit (not a score: it keeps its own scale, not %). */
const SCALAR_AXIS: Record<RecordScalar, string> = { fluency: 'entropy (bits)', driftCosine: 'mean cosine', driftCka: 'linear CKA' };

export const X_AXIS_TITLE: Record<XAxis, string> = { turn: 'turn (warm-up included)', edits: 'target edits', wall: 'wall time (s)' };

export function chartTitle(m: ChartMetric): string {
  if (m.kind === 'module') return MODULE_METRIC_INFO[m.metric].title;
  if (m.kind === 'loss') return 'Capture loss (before update)';
  if (m.kind === 'scalar') return SCALAR_TITLE[m.name];
  if (m.kind === 'general') return 'General capability — F1 of the generated answers per task (the paper’s Fig. 2)';
  return `${METRIC_KIND_TITLE[m.metric]} — ${PROTOCOL_SHORT[m.protocol]}, ${MEASURE_TITLE[m.measure]}`;
}

/** The y axis's title, with its unit: scores in % (lib/percent.ts). */
export function yAxisTitle(m: ChartMetric): string {
  if (m.kind === 'module') return MODULE_METRIC_INFO[m.metric].axis;
  if (m.kind === 'loss') return 'loss (nats)';
  if (m.kind === 'scalar') return SCALAR_AXIS[m.name];
  if (m.kind === 'general') return 'weighted F1 (%)';
  return `${MEASURE_TITLE[m.measure]} (%)`;
}

export function defaultLog(m: ChartMetric): boolean {
  return m.kind === 'module' ? MODULE_METRIC_INFO[m.metric].log : false;
}

/** `model.layers.28.mlp.down_proj` → `28.mlp.down_proj`: the layer is what tells modules apart. */
export function shortModule(name: string): string {
  const m = /(?:^|\.)(?:layers|h|blocks)\.(\d+)\.(.+)$/.exec(name);
  return m ? `${m[1]}.${m[2]}` : name;
}

export function formatValue(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return Number(v.toPrecision(3)).toExponential();
  return Number(v.toPrecision(4)).toString();
}
