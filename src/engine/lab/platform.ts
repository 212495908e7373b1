/**
 * What the lab is given by whoever hosts it: the worker gives it the site's address, the GPU, the
 * browser's storage and the editor shaders; tests give it files on disk and memory stores. The lab
 * reaches nothing else, so it runs the same in the page, in Node and in tests.
 */
import type { SharedGpu } from '../gpu/device';
import type { ShaderSources } from '../gpu/shader-sources';
import type { ResponseCache } from '../io/cached-fetch';
import type { F64Pool } from '../linalg/parallel/pool';
import type { CheckpointStore } from '../run/checkpoint-store';
import type { WorkerEvent } from '../../protocol/messages';

/** How the lab answers: every event goes to the page (the worker posts it; tests collect it). */
export type Post = (e: WorkerEvent, transfer?: Transferable[]) => void;

export interface LabPlatform {
  /** The lab's version (package.json's), written into exported weights; the engine imports nothing above src/. */
  labVersion?: string;
  /** Absolute URL of the site's root, where the demo lives (`demo/model/`, `demo/data/`). */
  siteUrl: string;
  /** The shared WebGPU device, or null where there is none. */
  gpu(): Promise<SharedGpu | null>;
  /** Where a run keeps its checkpoint, inputs and results; null where nothing outlives the page. */
  runStore(runId: string): CheckpointStore | null;
  /** The editor kernels' WGSL, for the GPU editor; null where it cannot run. */
  editorShaders: ShaderSources | null;
  /** The network; tests serve files from disk through it. */
  fetch?: typeof fetch;
  /** The Hub's address (https://huggingface.co unless given); tests serve a Hub-layout repository locally. */
  hubUrl?: string;
  /** A lower cap than the device's on one weight buffer, in bytes (tests force the row blocks of a large table). */
  maxWeightBytes?: number;
  /** Where downloaded model files are kept (the browser's Cache API unless given; none in Node). */
  modelCache?(name: string): Promise<ResponseCache | null>;
  /**
   * Hold a run for this page while it goes (the browser's Web Locks across tabs): null when another
   * tab holds it. Without it runs are not guarded (Node, tests).
   */
  claimRun?(runId: string): Promise<(() => void) | null>;
  /** Where MEMIT / AlphaEdit's key statistics are cached across runs (OPFS in the page); none: recomputed per run. */
  statsStore?(): CheckpointStore | null;
  /**
   * Installs the float64 editor math's pool with this many threads (the CPU backend's count) and
   * returns it (its `note` says why it has fewer); without it the math runs on one thread.
   */
  f64Pool?(threads: number): Promise<F64Pool>;
}
