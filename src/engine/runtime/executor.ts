/**
 * The backend strategy behind GraphRuntime: how an emitted graph becomes a session, how weights
 * reach it, and how it runs. The CPU executor (native or wasm) feeds the runtime's Float32Arrays; the WebGPU one
 * holds them in GPU buffers (the only copy of the tensors never edited) and is told when one changes.
 */
import type { ModelGraph } from '../graph/models/transformer';
import type { Feed, Fetch } from '../graph/ort-session';
import type { HeldWeights } from '../model/spec';
import type { RuntimeBackend } from './runtime';

export interface CompiledGraph {
  /** ONNX nodes after dead-node pruning (emitOnnx's count). */
  readonly nodeCount: number;
  /** Runs with the non-weight inputs given and every weight input taken from `weights`; outputs on the CPU. */
  run(feeds: Record<string, Feed>, weights: HeldWeights): Promise<Record<string, Fetch>>;
  release(): Promise<void>;
}

export interface GraphExecutor {
  readonly backend: RuntimeBackend;
  /**
   * Whether graphs may take fp16 weight inputs (frozen tensors held in 16 bits, docs/design.md §4):
   * the CPU EPs cast them; ORT's WebGPU EP only on a device with 'shader-f16'.
   */
  readonly float16: boolean;
  compile(mg: ModelGraph, name: string): Promise<CompiledGraph>;
  /** A weight's values changed (applyDelta, setWeight, a reset to the loaded values). */
  weightChanged(name: string, data: Float32Array): void;
  /**
   * An executor with its own copy of the weights (GPU buffers) takes every tensor now, as the graphs
   * will name it (row blocks past maxWeightBytes, weight-blocks.ts); the runtime then drops its CPU
   * arrays of the tensors never changed and reads them back through readWeight when needed. fp16
   * tensors are held as fp16 where `float16`, else widened to fp32 one tensor at a time as they upload.
   */
  holdWeights?(weights: HeldWeights, maxWeightBytes: number | undefined): Promise<void>;
  /** A held tensor's current values, read back (exact fp32; an fp16 one widened). */
  readWeight?(name: string, shape: readonly number[]): Promise<Float32Array>;
  dispose(): Promise<void>;
}
