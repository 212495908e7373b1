/**
 * One benchmark configuration: the run loop's turn (LifelongRun.step: tokenize → capture per
 * sub-batch → editor.turn → applyDelta → immediate evaluation), timed stage by stage on a runtime
 * whose executor counts the FLOPs of every graph it runs. Before timing: the editor's statistics are
 * primed with one statistics-only turn of dOut + 16 synthetic rows (so StableEdit whitens with a
 * full Σ as in any later turn of a real run), and one untimed turn compiles the graphs.
 */
import { stack } from '../../src/engine/editors/cpu-backend';
import { createEditor } from '../../src/engine/editors/registry';
import type { AnyEditor, EditorOptions, ModuleDiagnostics } from '../../src/engine/editors/editor';
import { evaluate } from '../../src/engine/eval/evaluate';
import { IMMEDIATE_KINDS, immediateEvaluation } from '../../src/engine/eval/immediate';
import { frobeniusDistance, frobeniusNorm } from '../../src/engine/linalg/frobenius';
import { ridgeSolveDual, ridgeSolvePrimal } from '../../src/engine/linalg/ridge';
import type { EditableModule, HeldWeights, ModelSpec } from '../../src/engine/model/spec';
import { buildSubBatches, editPairs } from '../../src/engine/run/batching';
import type { GraphExecutor } from '../../src/engine/runtime/executor';
import { GraphRuntime } from '../../src/engine/runtime/graph-runtime';
import type { EditRecord, ModuleCapture, TextTokenizer } from '../../src/engine/types';
import { Rng } from '../../src/engine/util/rng';
import { CountingExecutor, tallyDiff } from './counting-executor';
import { editorFlops } from './editor-flops';
import { derive, type BenchResult, type MachinePeak, type StageMs } from './result';
import { editedLayerIndices, type BenchProfile } from './shapes';

export interface MemorySample {
  jsHeapMB: number;
  rssMB: number | null;
  gpuBuffersMB: number | null;
}

export interface CaseInputs {
  label: string;
  model: string;
  editor: string;
  loaded: { spec: ModelSpec; weights: HeldWeights; modules: EditableModule[] };
  tokenizer: TextTokenizer;
  records: readonly EditRecord[];
  executor: GraphExecutor;
  backendLabel: string;
  profile: BenchProfile;
  peakGflops: number;
  machinePeak: MachinePeak;
  memory: () => MemorySample;
  log?: (line: string) => void;
  /**
   * The run loop's immediate evaluation (efficacy from the capture's sub-batches and residual,
   * eval/immediate.ts) rather than a plain evaluate() of the turn's records. Default true.
   */
  shareCapture?: boolean;
  /** The runtime over `loaded` and the executor (default: a GraphRuntime keeping the weights on the CPU). */
  openRuntime?(loaded: CaseInputs['loaded'], executor: GraphExecutor): Promise<GraphRuntime>;
  /** The editor (default: the float64 one); the GPU kit gives the GPU editor here. */
  newEditor?(name: string, options: EditorOptions): Promise<AnyEditor>;
}

const HYPER: Record<string, { lr: number; ridge: number }> = { stableedit: { lr: 1e-4, ridge: 10 }, ultraedit: { lr: 1e-4, ridge: 1 } };

function syntheticCaptures(mods: EditableModule[], rows: number, rng: Rng): ModuleCapture[] {
  return mods.map((m) => ({
    module: m.name,
    rows,
    dIn: m.dIn,
    dOut: m.dOut,
    keys: Float32Array.from({ length: rows * m.dIn }, () => rng.normal()),
    grads: Float32Array.from({ length: rows * m.dOut }, () => 1e-3 * rng.normal()),
  }));
}

export async function runCase(c: CaseInputs): Promise<BenchResult> {
  const { profile: p, tokenizer } = c;
  const share = c.shareCapture ?? p.shareCapture ?? true;
  const exec = new CountingExecutor(c.executor);
  const rt = c.openRuntime ? await c.openRuntime(c.loaded, exec) : new GraphRuntime(c.loaded, exec);
  const mods = editedLayerIndices(c.loaded.spec.layers, p.editedLayers).map((l) => rt.modules[l]);
  const names = mods.map((m) => m.name);
  const hyper = HYPER[c.editor] ?? HYPER.stableedit;
  const editor: AnyEditor = c.newEditor ? await c.newEditor(c.editor, hyper) : createEditor(c.editor, hyper);
  const peak = { heap: 0, rss: 0, gpu: 0 };
  const sample = () => {
    const s = c.memory();
    peak.heap = Math.max(peak.heap, s.jsHeapMB);
    if (s.rssMB !== null) peak.rss = Math.max(peak.rss, s.rssMB);
    if (s.gpuBuffersMB !== null) peak.gpu = Math.max(peak.gpu, s.gpuBuffersMB);
  };
  const mem0 = c.memory();

  const maxDOut = Math.max(...mods.map((m) => m.dOut));
  await editor.turn({ subBatches: [syntheticCaptures(mods, maxDOut + 16, new Rng(3))], statisticsOnly: true });

  const turnRecords = (t: number) => {
    const out: EditRecord[] = [];
    for (let i = 0; i < p.nEdits; i++) out.push(c.records[(t * p.nEdits + i) % c.records.length]);
    return out;
  };

  const sum: StageMs = {
    tokenize: 0,
    captureFwd: 0,
    captureBwd: 0,
    stats: 0,
    whitening: 0,
    solve: 0,
    apply: 0,
    evaluate: 0,
    editorOther: 0,
  };
  const flops = { capture: 0, captureForward: 0, evaluate: 0, editor: 0 };
  let rows = 0;
  let timedCompiles = 0;
  let last: ModuleCapture[][] = [];
  for (let t = 0; t <= p.turns; t++) {
    const timed = t > 0;
    const records = turnRecords(t);
    const before = exec.snapshot();
    let t0 = performance.now();
    const lap = () => {
      const now = performance.now();
      const d = now - t0;
      t0 = now;
      sample();
      return d;
    };
    const sbs = buildSubBatches(tokenizer, editPairs(records), { subBatch: p.subBatch });
    const tokenize = lap();
    const captures = [];
    for (const sb of sbs) captures.push(await rt.capture(sb, names, { residual: share }));
    const capture = lap();
    const loss = captures.reduce((s, x) => s + x.loss, 0) / captures.length;
    const result = await editor.turn({ subBatches: captures.map((x) => x.modules), loss });
    const editorMs = lap();
    for (const [m, d] of result.deltas) await rt.applyDelta(m, d.delta);
    const apply = lap();
    if (share) await immediateEvaluation(rt, tokenizer, records, { subBatches: sbs, captures });
    else await evaluate(rt, tokenizer, records, { kinds: IMMEDIATE_KINDS });
    const evaluateMs = lap();
    const tally = tallyDiff(exec.snapshot(), before);
    // the forward half of capture: a forward-only pass (score graph) on the same sub-batches
    const fwdBefore = exec.snapshot();
    for (const sb of sbs) await rt.predict(sb);
    const fwdTally = tallyDiff(exec.snapshot(), fwdBefore).score;
    if (!timed) continue;

    const compileMs = Object.values(tally).reduce((s, k) => s + k.compileMs, 0);
    timedCompiles += Object.values(tally).reduce((s, k) => s + k.compiles, 0);
    const captureMs = capture - (tally.capture?.compileMs ?? 0);
    const fwd = Math.min(captureMs, fwdTally?.ms ?? 0);
    const diag: ModuleDiagnostics[] = result.diagnostics.modules;
    const inEditor = diag.reduce((s, d) => s + d.timeMs.stats + d.timeMs.whitening + d.timeMs.solve, 0);
    sum.tokenize += tokenize;
    sum.captureFwd += fwd;
    sum.captureBwd += captureMs - fwd;
    sum.stats += diag.reduce((s, d) => s + d.timeMs.stats, 0);
    sum.whitening += diag.reduce((s, d) => s + d.timeMs.whitening, 0);
    sum.solve += diag.reduce((s, d) => s + d.timeMs.solve, 0);
    sum.editorOther += Math.max(0, editorMs - inEditor);
    sum.apply += apply;
    sum.evaluate += evaluateMs - (compileMs - (tally.capture?.compileMs ?? 0));
    flops.capture += tally.capture?.flops ?? 0;
    flops.captureForward += tally.capture?.forwardFlops ?? 0;
    flops.evaluate += tally.score?.flops ?? 0;
    const seenShapes = new Set<string>();
    for (const d of diag) {
      const m = mods.find((x) => x.name === d.module)!;
      const shape = `${m.dIn}x${m.dOut}`;
      const e = editorFlops({
        editor: c.editor,
        dIn: m.dIn,
        dOut: m.dOut,
        subBatchRows: captures.map((x) => x.modules.find((y) => y.module === d.module)!.rows),
        sigma: d.sigma,
        chargesWhitening: !seenShapes.has(shape),
        solve: d.solve,
      });
      seenShapes.add(shape);
      flops.editor += e.stats + e.whitening + e.solve + e.apply;
    }
    rows += diag[0].rows;
    last = captures.map((x) => x.modules);
    c.log?.(`${c.label} ${c.editor}: turn ${t} of ${p.turns}: ${(captureMs + editorMs + apply + tokenize + evaluateMs).toFixed(0)} ms`);
  }

  // dual vs primal ridge solve on the last turn's keys of the first edited module
  const m = mods[0];
  const caps = last.flatMap((sb) => sb.filter((x) => x.module === m.name));
  const { keys: K, grads: V, rows: N } = stack(caps, m);
  for (let i = 0; i < V.length; i++) V[i] *= -1e-4;
  const shape = { rows: N, dIn: m.dIn, dOut: m.dOut };
  const ridge = (HYPER[c.editor] ?? HYPER.stableedit).ridge;
  let t1 = performance.now();
  const dual = ridgeSolveDual(K, V, shape, ridge);
  const dualMs = performance.now() - t1;
  let primalMs: number | null = null;
  let relDiff: number | null = null;
  if (m.dIn <= p.primalMaxDIn) {
    t1 = performance.now();
    const primal = ridgeSolvePrimal(K, V, shape, ridge);
    primalMs = performance.now() - t1;
    relDiff = frobeniusDistance(dual, primal) / Math.max(frobeniusNorm(primal), 1e-300);
  }
  sample();
  await rt.dispose();
  (editor as AnyEditor & { dispose?(): void }).dispose?.();

  const n = p.turns;
  const mean = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, (v as number) / n])) as T;
  return derive({
    label: c.label,
    backend: exec.backend,
    backendLabel: c.backendLabel,
    model: c.model,
    editor: c.editor,
    layers: c.loaded.spec.layers,
    params: [...c.loaded.weights.values()].reduce((s, w) => s + w.data.length, 0),
    modules: names,
    nEdits: p.nEdits,
    subBatch: p.subBatch,
    turns: n,
    rows: rows / n,
    ms: mean(sum),
    flops: mean(flops),
    peakGflops: c.peakGflops,
    machinePeak: c.machinePeak,
    dual: { ms: dualMs, primalMs, relDiff, dIn: m.dIn, dOut: m.dOut, rows: N },
    memory: {
      peakJsHeapMB: peak.heap,
      peakRssMB: mem0.rssMB === null ? null : peak.rss,
      gpuBuffersMB: mem0.gpuBuffersMB === null ? null : peak.gpu,
    },
    timedCompiles,
  });
}
