/**
 * The CPU backend: onnxruntime-web's wasm EP (Node: CLI and tests; the browser without WebGPU).
 * Weights go in as the runtime's own Float32Arrays on every run, so an edit needs no upload step.
 */
import { WasmGraphSession } from '../graph/ort-session';
import type { LoadedModel } from '../model/load';
import type { CompiledGraph, GraphExecutor } from './executor';
import { GraphRuntime, type GraphRuntimeOptions } from './graph-runtime';

export class WasmExecutor implements GraphExecutor {
  readonly backend = 'wasm' as const;

  async compile(mg: Parameters<GraphExecutor['compile']>[0], name: string): Promise<CompiledGraph> {
    const session = await WasmGraphSession.fromGraph(mg.g, name);
    return {
      nodeCount: session.nodeCount,
      run: (ints, weights) => {
        const feeds: Record<string, Float32Array | Int32Array> = { ...ints };
        for (const w of mg.weightNames) feeds[w] = weights.get(w)!.data;
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

export async function createWasmRuntime(
  loaded: Pick<LoadedModel, 'spec' | 'weights' | 'modules'>,
  opts?: GraphRuntimeOptions,
): Promise<GraphRuntime> {
  return new GraphRuntime(loaded, new WasmExecutor(), opts);
}
