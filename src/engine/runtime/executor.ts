/**
 * The backend strategy behind GraphRuntime: how an emitted graph becomes a session, how weights
 * reach it, and how it runs. The CPU executor (native or wasm) feeds the runtime's Float32Arrays; the WebGPU one
 * mirrors them in GPU buffers and is told when one changes.
 */
import type { ModelGraph } from '../graph/models/transformer';
import type { Feed, Fetch } from '../graph/ort-session';
import type { Weights } from '../model/spec';
import type { RuntimeBackend } from './runtime';

export interface CompiledGraph {
  /** ONNX nodes after dead-node pruning (emitOnnx's count). */
  readonly nodeCount: number;
  /** Runs with the non-weight inputs given and every weight input taken from `weights`; outputs on the CPU. */
  run(feeds: Record<string, Feed>, weights: Weights): Promise<Record<string, Fetch>>;
  release(): Promise<void>;
}

export interface GraphExecutor {
  readonly backend: RuntimeBackend;
  compile(mg: ModelGraph, name: string): Promise<CompiledGraph>;
  /** A weight's values changed in place (applyDelta, setWeight). */
  weightChanged(name: string, data: Float32Array): void;
  dispose(): Promise<void>;
}
