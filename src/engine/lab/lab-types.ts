/**
 * The words the lab's commands and answers are made of, owned here because the lab defines them
 * (which backend, which editor math, which model and dataset, what a loaded model is); the page's
 * protocol (src/protocol/messages.ts) imports and re-exports them, so the engine needs nothing
 * of the page to name its own inputs (docs/design.md, the map).
 */
import type { DatasetOptions } from '../data/dataset';
import type { EditableModule } from '../model/spec';

/** Which model runtime: 'auto' takes WebGPU when a device is there and the session builds, else wasm. */
export type BackendChoice = 'auto' | 'webgpu' | 'wasm';

/**
 * Where a run's editor math (statistics, whitening, ridge solve) runs: the float64 CPU editor, or the
 * WGSL kernels on the model's WebGPU device (fp32; falls back to cpu, with a warning, when the model
 * is not on WebGPU or the editor has no GPU version). Not part of RunConfig: a checkpoint saved with
 * either resumes with either.
 */
/** 'auto': the GPU editor whenever the model runs on WebGPU, the float64 CPU editor otherwise. */
export type EditorMath = 'auto' | 'cpu' | 'gpu';
export const EDITOR_MATHS: readonly EditorMath[] = ['auto', 'cpu', 'gpu'];

export type ModelSource =
  /** The built-in demo model served from the app's public/demo/model/. */
  | { kind: 'demo' }
  /** A Hugging Face Hub repo; the token stays in the worker's memory for this load only. */
  | { kind: 'hub'; repo: string; revision: string; token?: string }
  /** A picked or dropped checkpoint folder (File objects are structured-clone safe). */
  | { kind: 'files'; files: File[]; name?: string };

export type DataSlot = 'edits' | 'warmup';
/** How a slot's file is read: invalid-record policy, and the layout or a field mapping when detection is not wanted. */
export type ScanOptions = Pick<DatasetOptions, 'onInvalid' | 'layout' | 'mapping' | 'seed'>;

/** A dataset to read: a picked/dropped File, or a URL on this site (the demo's files). */
export type DataInput = { kind: 'file'; file: File } | { kind: 'url'; url: string; name: string };

export interface ModelSummary {
  name: string;
  arch: string;
  params: number;
  gpuBytes: number;
  modules: EditableModule[];
  backend: 'webgpu' | 'wasm';
  layers: number;
  hidden: number;
  vocabSize: number;
  /** Why 'auto' fell back to wasm, when it did (or why the wasm thread count differs from the one asked). */
  backendNote?: string;
  /** wasm: onnxruntime-web's thread count (env.wasm.numThreads) in force for this model. */
  wasmThreads?: number;
}

export interface InteractiveSettings {
  editor: string;
  lr: number;
  ridge: number;
  modules: string[];
  /** Records of the warm-up slot (else the edit stream) whose statistics precede the edit. */
  statisticsRecords: number;
}

/** A hypernetwork the lab holds for the loaded model (lab/hypernet-import.ts), as the page shows it. */
export interface HypernetSummary {
  editor: string;
  modules: string[];
  /** Where it came from: the files' names. */
  files: string;
  source: 'imported' | 'trained';
  /** SHA-256 of its network.safetensors. */
  sha256: string;
  /** Meta-training steps it had, as its description records. */
  steps?: number;
}
