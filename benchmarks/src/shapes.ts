/**
 * The benchmark's model shapes (public configs of the real checkpoints; weights are random, so no
 * download) and the profiles that pick which shapes, depths and turn counts a run takes.
 */
import type { Architecture } from '../../src/engine/model/spec';

export interface ModelShape {
  id: string;
  arch: Architecture;
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  intermediate: number;
  vocab: number;
  maxPositions: number;
  tied: boolean;
}

/**
 * From each model's config.json on the Hub (openai-community/gpt2, HuggingFaceTB/SmolLM2-135M,
 * Qwen/Qwen2.5-0.5B, meta-llama/Llama-3.2-1B, meta-llama/Meta-Llama-3-8B, mistralai/Mistral-7B-v0.1:
 * the paper's d_out = 4096 width; built with a layer or two, its sliding window is moot at these
 * lengths), and two tiny shapes for the GPU kit's `--tiny` run on a software adapter.
 */
export const MODEL_SHAPES: Record<string, ModelShape> = {
  'gpt2-small': {
    id: 'gpt2-small',
    arch: 'gpt2',
    hidden: 768,
    layers: 12,
    heads: 12,
    kvHeads: 12,
    intermediate: 3072,
    vocab: 50257,
    maxPositions: 1024,
    tied: true,
  },
  'smollm2-135m': {
    id: 'smollm2-135m',
    arch: 'llama',
    hidden: 576,
    layers: 30,
    heads: 9,
    kvHeads: 3,
    intermediate: 1536,
    vocab: 49152,
    maxPositions: 8192,
    tied: true,
  },
  'qwen2.5-0.5b': {
    id: 'qwen2.5-0.5b',
    arch: 'qwen2',
    hidden: 896,
    layers: 24,
    heads: 14,
    kvHeads: 2,
    intermediate: 4864,
    vocab: 151936,
    maxPositions: 32768,
    tied: true,
  },
  'llama-3.2-1b': {
    id: 'llama-3.2-1b',
    arch: 'llama',
    hidden: 2048,
    layers: 16,
    heads: 32,
    kvHeads: 8,
    intermediate: 8192,
    vocab: 128256,
    maxPositions: 131072,
    tied: true,
  },
  'llama-3-8b': {
    id: 'llama-3-8b',
    arch: 'llama',
    hidden: 4096,
    layers: 32,
    heads: 32,
    kvHeads: 8,
    intermediate: 14336,
    vocab: 128256,
    maxPositions: 8192,
    tied: false,
  },
  'mistral-7b': {
    id: 'mistral-7b',
    arch: 'llama',
    hidden: 4096,
    layers: 32,
    heads: 32,
    kvHeads: 8,
    intermediate: 14336,
    vocab: 32000,
    maxPositions: 32768,
    tied: false,
  },
  /** Tiny shapes (the demo tokenizer's 1,011 ids fit their vocabulary): the kit's `--tiny` run. */
  'tiny-gpt2': {
    id: 'tiny-gpt2',
    arch: 'gpt2',
    hidden: 64,
    layers: 2,
    heads: 4,
    kvHeads: 4,
    intermediate: 256,
    vocab: 1024,
    maxPositions: 64,
    tied: true,
  },
  'tiny-llama': {
    id: 'tiny-llama',
    arch: 'llama',
    hidden: 64,
    layers: 2,
    heads: 4,
    kvHeads: 2,
    intermediate: 192,
    vocab: 1024,
    maxPositions: 64,
    tied: false,
  },
};

export interface BenchCase {
  /** 'demo' (public/demo/model) or a MODEL_SHAPES id. */
  model: string;
  /** Layers actually built (≤ the shape's); fewer keeps a profile fast, the table says so. */
  layers?: number;
  editor: 'stableedit' | 'ultraedit';
}

export interface BenchProfile {
  name: string;
  cases: BenchCase[];
  /** Timed turns per case (one untimed turn first compiles the graphs). */
  turns: number;
  nEdits: number;
  subBatch: number;
  /** Edited modules: this many MLP output projections ending at ~3/4 of the depth. */
  editedLayers: number;
  /** Skip UltraEdit's dIn×dIn primal solve above this dIn (it is the slow side by design). */
  primalMaxDIn: number;
  /** Square matmul sizes for the throughput probe, plus a model-like skinny one. */
  matmulSizes: number[];
  /** Immediate evaluation shares the capture's sub-batches and residual (eval/immediate.ts); default true. */
  shareCapture?: boolean;
}

const EDITORS = ['stableedit', 'ultraedit'] as const;
const every = (model: string, layers?: number): BenchCase[] => EDITORS.map((editor) => ({ model, layers, editor }));

export const PROFILES: Record<string, BenchProfile> = {
  /** Node, 2 CPU cores: a few minutes. Shapes at their widths and vocabularies, fewer layers. */
  quick: {
    name: 'quick',
    cases: [...every('demo'), ...every('gpt2-small', 4), ...every('smollm2-135m', 4), ...every('qwen2.5-0.5b', 2)],
    turns: 1,
    nEdits: 100,
    subBatch: 10,
    editedLayers: 2,
    primalMaxDIn: 3072,
    matmulSizes: [256, 512, 1024],
  },
  /** The paper's sizes: full depth, 3 edited layers, several turns. */
  full: {
    name: 'full',
    cases: [...every('demo'), ...every('gpt2-small'), ...every('smollm2-135m'), ...every('qwen2.5-0.5b')],
    turns: 3,
    nEdits: 100,
    subBatch: 10,
    editedLayers: 3,
    primalMaxDIn: 8192,
    matmulSizes: [256, 512, 1024, 2048],
  },
  /** The browser on SwiftShader (~0.5 GFLOP/s): the demo model and one narrow GPT-2 layer. */
  tiny: {
    name: 'tiny',
    cases: [
      { model: 'demo', editor: 'stableedit' },
      { model: 'demo', editor: 'ultraedit' },
    ],
    turns: 1,
    nEdits: 20,
    subBatch: 10,
    editedLayers: 1,
    primalMaxDIn: 1024,
    matmulSizes: [128, 256],
  },
  /**
   * The issue-16 comparison shape for the browser's CPU path (`npm run bench:browser -- --profile
   * gpt2 --backends wasm:1,wasm`): GPT-2 small at full depth, 2 edited layers, as the Node quick
   * profile's `--only gpt2-small --layers 12`; the d_in×d_in primal solve is skipped.
   */
  gpt2: {
    name: 'gpt2',
    cases: every('gpt2-small', 12),
    turns: 1,
    nEdits: 100,
    subBatch: 10,
    editedLayers: 2,
    primalMaxDIn: 0,
    matmulSizes: [256, 512, 1024],
  },
  /**
   * The d_out = 4096 width (Mistral-7B: MLP 14336 → 4096), one layer built and edited, for the
   * side-by-side with PyTorch (`npm run bench -- --profile wide --peer`): whitening is a 4096² eigh,
   * the dual solve's Kᵀ·X 14336 × N × 4096; the dIn² primal is skipped (14336², the peer's form).
   */
  wide: {
    name: 'wide',
    cases: every('mistral-7b', 1),
    turns: 1,
    nEdits: 100,
    subBatch: 10,
    editedLayers: 1,
    primalMaxDIn: 0,
    matmulSizes: [512, 1024],
  },
  /**
   * The GPU check kit (scripts/gpu-kit): one timed turn of 100 edits per shape and editor, at full
   * depth up to Llama-3.2-1B; the 7–8B shapes at 4 of their 32 layers (their embeddings and
   * vocabularies whole), so building the random weights fits the kit's 8 minutes.
   */
  'gpu-kit': {
    name: 'gpu-kit',
    cases: [
      ...every('gpt2-small'),
      ...every('smollm2-135m'),
      ...every('qwen2.5-0.5b'),
      ...every('llama-3.2-1b'),
      ...every('llama-3-8b', 4),
      ...every('mistral-7b', 4),
    ],
    turns: 1,
    nEdits: 100,
    subBatch: 10,
    editedLayers: 2,
    primalMaxDIn: 0,
    matmulSizes: [1024, 2048],
  },
  /** The kit's `--tiny` run (its end-to-end test on SwiftShader): a tiny llama (GQA), a small turn. */
  'gpu-kit-tiny': {
    name: 'gpu-kit-tiny',
    cases: every('tiny-llama'),
    turns: 1,
    nEdits: 10,
    subBatch: 10,
    editedLayers: 1,
    primalMaxDIn: 0,
    matmulSizes: [64],
  },
  /** The smoke test: demo model, one editor, a small turn. */
  smoke: {
    name: 'smoke',
    cases: [{ model: 'demo', editor: 'stableedit' }],
    turns: 1,
    nEdits: 20,
    subBatch: 10,
    editedLayers: 2,
    primalMaxDIn: 1024,
    matmulSizes: [128],
  },
};

/** Layer indices of the edited modules: `count` consecutive layers ending at ⌈3L/4⌉ − 1 (upper-middle). */
export function editedLayerIndices(layers: number, count: number): number[] {
  const n = Math.min(count, layers);
  const end = Math.max(n, Math.ceil((3 * layers) / 4));
  return Array.from({ length: n }, (_, i) => end - n + i);
}
