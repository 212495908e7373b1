/**
 * The CPU backends: onnxruntime-node's native CPU EP (Node's default: every core, MLAS kernels) or
 * onnxruntime-web's wasm EP (the browser without WebGPU; Node with `--backend wasm`), chosen in
 * graph/ort-backends.ts. Weights go in as the runtime's own Float32Arrays on every run, so an edit
 * needs no upload step.
 */
import { resolveCpuBackend, type CpuBackend } from '../graph/ort-backends';
import { GraphSession, type CpuSessionOptions } from '../graph/ort-session';
import { resolveWeight } from '../graph/models/weight-blocks';
import type { LoadedModel } from '../model/load';
import type { HeldWeights } from '../model/spec';
import type { CompiledGraph, GraphExecutor } from './executor';
import { GraphRuntime, type GraphRuntimeOptions } from './graph-runtime';

export class CpuExecutor implements GraphExecutor {
  /** The CPU EPs (native and wasm) run Cast(float16 → float32) and Gather on fp16 (weight16.test.ts). */
  readonly float16 = true;
  private constructor(
    readonly backend: CpuBackend,
    private readonly session: Omit<CpuSessionOptions, 'backend'>,
  ) {}

  /** Resolves the backend first (`auto`: native in Node when it loads), so `backend` is what runs. */
  static async create(opts: CpuSessionOptions = {}): Promise<CpuExecutor> {
    const { backend } = await resolveCpuBackend(opts.backend);
    return new CpuExecutor(backend, { threads: opts.threads, spin: opts.spin });
  }

  async compile(mg: Parameters<GraphExecutor['compile']>[0], name: string): Promise<CompiledGraph> {
    const session = await GraphSession.fromGraph(mg.g, name, { ...this.session, backend: this.backend });
    return {
      nodeCount: session.nodeCount,
      run: (inputs, weights) => {
        const feeds = { ...inputs };
        for (const w of mg.weightNames) feeds[w] = resolveWeight(weights, w).data;
        return session.run(feeds);
      },
      release: () => session.release(),
    };
  }

  weightChanged(): void {
    // nothing to do: the next run reads the arrays as they are
  }

  async dispose(): Promise<void> {}
}

export interface CpuRuntimeOptions extends GraphRuntimeOptions, CpuSessionOptions {}

export async function createCpuRuntime(
  loaded: Pick<LoadedModel<HeldWeights>, 'spec' | 'weights' | 'modules'>,
  opts: CpuRuntimeOptions = {},
): Promise<GraphRuntime> {
  return new GraphRuntime(loaded, await CpuExecutor.create(opts), opts);
}
