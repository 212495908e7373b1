/**
 * GPU memory the lab takes for a model, from its config: what the lab allocates, counted the way it
 * allocates it (docs/design.md §4), not a rule of thumb on the parameter count.
 *
 * - weights: every tensor of the checkpoint (modules.ts expectedTensors), fp32 — or, with `frozen16`
 *   (an F16/BF16 checkpoint on a device with 'shader-f16', docs/design.md §4), 2 bytes for every tensor
 *   but the editable modules' weights, as the loader holds them (model/load.ts frozen16; a tensor fp16
 *   cannot hold exactly would stay fp32, which the config cannot tell);
 * - editor: per edited module, the GPU editor's resident fp32 buffers (gpu/editor/gpu-backend.ts): ΔW
 *   and KᵀG [d_in, d_out], and the covariance, its inverse square root and the eigensolver's work [d_out, d_out];
 * - activations: the capture graph of one sub-batch (graph/models/transformer.ts): the forward tensors
 *   the backward pass needs, from the lowest edited block up (about 10 of width H and 4 of width I per
 *   token, and the attention scores), one block's gradients in flight, and the head on the label rows
 *   only (logits, softmax and their gradient).
 *
 * The worker keeps no second copy of the weights (runtime/graph-runtime.ts): on WebGPU it holds the
 * weights once while they load and upload (the same bytes as the GPU's), then only the edited
 * modules, current and as loaded.
 */
import { editableModules, expectedTensors } from './modules';
import type { ModelSpec } from './spec';

export interface EstimateOptions {
  /** Blocks whose editable module (the MLP output projection) a run edits. */
  editedLayers: readonly number[];
  /** Records per sub-batch (the run's subBatch). */
  batch: number;
  /** Tokens per record after padding (an edit prompt with its answer). */
  seqLen: number;
  /** Label rows the head runs on in one sub-batch (the answers' tokens, bucketed). */
  labelRows: number;
  /** Frozen tensors held in 16 bits (docs/design.md §4). */
  frozen16?: boolean;
}

export interface MemoryEstimate {
  params: number;
  /** Bytes on the GPU, by what holds them. */
  gpu: { weights: number; editor: number; activations: number; total: number };
  /** Bytes the worker holds: the weights while loading, then the edited modules twice. */
  worker: { load: number; steady: number };
}

/** The picker's sub-batch: the run's default of 10 records, edit prompts of about 32 tokens, a few answer tokens each. */
export const PICKER_BATCH = { batch: 10, seqLen: 32, labelRows: 32 } as const;

const F32 = 4;
const F16 = 2;

export function memoryEstimate(spec: ModelSpec, o: EstimateOptions): MemoryEstimate {
  const editable = new Set(editableModules(spec).map((m) => m.weight));
  let params = 0;
  let weights = 0;
  for (const [name, shape] of expectedTensors(spec)) {
    const n = shape.reduce((a, b) => a * b, 1);
    params += n;
    weights += n * (o.frozen16 && !editable.has(name) ? F16 : F32);
  }

  const edited = editableModules(spec).filter((m) => o.editedLayers.includes(m.layer));
  const editor = edited.reduce((n, m) => n + 2 * m.dIn * m.dOut + 3 * m.dOut * m.dOut, 0) * F32;

  const { hidden: H, intermediate: I, heads, layers, vocabSize: V } = spec;
  const tokens = o.batch * o.seqLen;
  const perBlock = tokens * (10 * H + 4 * I) + 2 * o.batch * heads * o.seqLen * o.seqLen;
  const kept = edited.length ? layers - Math.min(...edited.map((m) => m.layer)) + 1 : 1;
  const activations = (kept * perBlock + 2 * tokens * H + 3 * o.labelRows * V) * F32;

  return {
    params,
    gpu: { weights, editor, activations, total: weights + editor + activations },
    worker: { load: weights, steady: edited.reduce((n, m) => n + 2 * m.dIn * m.dOut, 0) * F32 },
  };
}
