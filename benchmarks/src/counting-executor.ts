/**
 * A GraphExecutor wrapper that charges every run with the FLOPs of the graph it ran (counted from
 * the graph IR, graph/flops.ts) and its wall time, by graph kind (capture, score, forward). Session
 * creation is timed apart, so steady-state time can be told from first-use cost.
 */
import { graphFlops, splitFlops } from '../../src/engine/graph/flops';
import type { CompiledGraph, GraphExecutor } from '../../src/engine/runtime/executor';

export interface KindTally {
  runs: number;
  ms: number;
  flops: number;
  /** capture graphs: the part the loss needs (forward); the rest is backward + gathers. */
  forwardFlops: number;
  compiles: number;
  compileMs: number;
}

export class CountingExecutor implements GraphExecutor {
  readonly tally = new Map<string, KindTally>();
  /** The inner executor's, where it holds weights itself (the WebGPU one): passed through uncounted. */
  readonly holdWeights?: GraphExecutor['holdWeights'];
  readonly readWeight?: GraphExecutor['readWeight'];

  constructor(private readonly inner: GraphExecutor) {
    if (inner.holdWeights) this.holdWeights = (w, max) => inner.holdWeights!(w, max);
    if (inner.readWeight) this.readWeight = (name, shape) => inner.readWeight!(name, shape);
  }

  get backend() {
    return this.inner.backend;
  }

  get float16() {
    return this.inner.float16;
  }

  private kind(name: string): KindTally {
    let t = this.tally.get(name);
    if (!t) this.tally.set(name, (t = { runs: 0, ms: 0, flops: 0, forwardFlops: 0, compiles: 0, compileMs: 0 }));
    return t;
  }

  async compile(mg: Parameters<GraphExecutor['compile']>[0], name: string): Promise<CompiledGraph> {
    const t0 = performance.now();
    const flops = graphFlops(mg.g).total;
    const forward = name === 'capture' ? splitFlops(mg.g, ['loss']).forward.total : flops;
    const compiled = await this.inner.compile(mg, name);
    const k = this.kind(name);
    k.compiles++;
    k.compileMs += performance.now() - t0;
    return {
      nodeCount: compiled.nodeCount,
      release: () => compiled.release(),
      run: async (feeds, weights) => {
        const t1 = performance.now();
        const out = await compiled.run(feeds, weights);
        k.ms += performance.now() - t1;
        k.runs++;
        k.flops += flops;
        k.forwardFlops += forward;
        return out;
      },
    };
  }

  weightChanged(name: string, data: Float32Array): void {
    this.inner.weightChanged(name, data);
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }

  /** A copy of the tallies now, to subtract from a later snapshot. */
  snapshot(): Map<string, KindTally> {
    return new Map([...this.tally].map(([k, v]) => [k, { ...v }]));
  }
}

/** after − before, per kind. */
export function tallyDiff(after: Map<string, KindTally>, before: Map<string, KindTally>): Record<string, KindTally> {
  const out: Record<string, KindTally> = {};
  for (const [k, a] of after) {
    const b = before.get(k) ?? { runs: 0, ms: 0, flops: 0, forwardFlops: 0, compiles: 0, compileMs: 0 };
    out[k] = {
      runs: a.runs - b.runs,
      ms: a.ms - b.ms,
      flops: a.flops - b.flops,
      forwardFlops: a.forwardFlops - b.forwardFlops,
      compiles: a.compiles - b.compiles,
      compileMs: a.compileMs - b.compileMs,
    };
  }
  return out;
}
