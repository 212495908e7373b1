/**
 * One benchmark row: what was measured (per-turn means) and the ratios derived from it. The
 * derivations live here so the Node CLI, the page and the tests compute them one way.
 */
import type { RuntimeBackend } from '../../src/engine/runtime/runtime';

export interface StageMs {
  tokenize: number;
  /** Capture time split by a forward-only pass timed on the same sub-batches (bwd = capture − fwd). */
  captureFwd: number;
  captureBwd: number;
  stats: number;
  whitening: number;
  solve: number;
  apply: number;
  evaluate: number;
  /** Editor time not inside stats/whitening/solve (stacking, diagnostics, fp64→fp32). */
  editorOther: number;
}

/** The best MatMul throughput of any backend on this machine, and which backend reached it. */
export interface MachinePeak {
  gflops: number;
  backend: string;
}

export interface Measured {
  label: string;
  backend: RuntimeBackend;
  /** The backend as the table names it (e.g. "wasm ×4"). */
  backendLabel: string;
  model: string;
  editor: string;
  layers: number;
  params: number;
  modules: string[];
  nEdits: number;
  subBatch: number;
  turns: number;
  /** Mean label rows per turn (N of the ridge solve). */
  rows: number;
  /** Mean per-turn milliseconds by stage. */
  ms: StageMs;
  /** Mean per-turn FLOPs: graphs as run (capture, evaluation) and editor math. */
  flops: { capture: number; captureForward: number; evaluate: number; editor: number };
  /** This backend's best MatMul. */
  peakGflops: number;
  machinePeak: MachinePeak;
  dual: { ms: number; primalMs: number | null; relDiff: number | null; dIn: number; dOut: number; rows: number };
  memory: { peakJsHeapMB: number; peakRssMB: number | null; gpuBuffersMB: number | null };
  /** Sessions compiled during the timed turns (their compile time is excluded from the stages). */
  timedCompiles: number;
}

export interface BenchResult extends Measured {
  totalMs: number;
  turnsPerSec: number;
  editsPerSec: number;
  totalFlops: number;
  /** turn time ÷ (turn FLOPs ÷ the machine's best measured matmul throughput, any backend). */
  roofline: number;
  /** turn time ÷ (turn FLOPs ÷ this backend's own best matmul). */
  backendRoofline: number;
  /** The capture stage alone against the machine's peak (capture time ÷ its graph FLOPs at peak). */
  captureRoofline: number;
  /** (stats + whitening + solve + editorOther + apply) ÷ turn time. */
  editorShare: number;
  /** primal solve time ÷ dual solve time, same inputs (null when the primal was skipped). */
  primalOverDual: number | null;
}

export function stageTotal(ms: StageMs): number {
  return ms.tokenize + ms.captureFwd + ms.captureBwd + ms.stats + ms.whitening + ms.solve + ms.editorOther + ms.apply + ms.evaluate;
}

export function derive(m: Measured): BenchResult {
  const totalMs = stageTotal(m.ms);
  const totalFlops = m.flops.capture + m.flops.evaluate + m.flops.editor;
  const idealMs = (f: number, gflops = m.machinePeak.gflops) => f / (gflops * 1e6);
  const editorMs = m.ms.stats + m.ms.whitening + m.ms.solve + m.ms.editorOther + m.ms.apply;
  return {
    ...m,
    totalMs,
    turnsPerSec: 1000 / totalMs,
    editsPerSec: (1000 * m.nEdits) / totalMs,
    totalFlops,
    roofline: totalMs / idealMs(totalFlops),
    backendRoofline: totalMs / idealMs(totalFlops, m.peakGflops),
    captureRoofline: (m.ms.captureFwd + m.ms.captureBwd) / idealMs(m.flops.capture),
    editorShare: editorMs / totalMs,
    primalOverDual: m.dual.primalMs === null ? null : m.dual.primalMs / m.dual.ms,
  };
}
