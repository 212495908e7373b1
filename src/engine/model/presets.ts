/**
 * Editing presets per model, and where each number comes from. The paper's own settings (StableEdit
 * App. "hyperparameter configurations", Table 6) are marked `paper`; settings for the small models
 * the lab can run in a browser are the lab's own and say how they were chosen.
 */
export interface EditPreset {
  /** Hugging Face repo id (or `demo` for the built-in model). */
  model: string;
  /** Layers whose MLP output projection is edited. */
  layers: number[];
  lr: number;
  ridge: number;
  source: string;
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

export const PRESETS: readonly EditPreset[] = [
  {
    model: 'mistralai/Mistral-7B-v0.3',
    layers: range(28, 30),
    lr: 1e-6,
    ridge: 10,
    source: 'paper: StableEdit Table 6 and App. B (lr 1e-6, λ 10)',
  },
  {
    model: 'meta-llama/Meta-Llama-3-8B-Instruct',
    layers: [11, 12, 22, 23, 28, 29, 30],
    lr: 1e-6,
    ridge: 10,
    source: 'paper: StableEdit Table 6 and App. B (lr 1e-6, λ 10)',
  },
  {
    model: 'EleutherAI/gpt-j-6b',
    layers: [...range(8, 15), ...range(22, 24)],
    lr: 2e-6,
    ridge: 10,
    source: 'paper: StableEdit Table 6 and App. B (lr 2e-6, λ 10)',
  },
  {
    model: 'Qwen/Qwen2.5-7B-Instruct',
    layers: [...range(8, 14), ...range(18, 24)],
    lr: 2e-6,
    ridge: 10,
    source: 'paper: StableEdit Table 6 and App. B (lr 2e-6, λ 10)',
  },
];

export interface KnownModel {
  repo: string;
  arch: 'gpt2' | 'llama' | 'qwen2' | 'mistral';
  /** Parameters, for the memory estimate (fp32 weights on the GPU: 4 bytes each). */
  params: number;
}

/** Small Hub checkpoints the lab's architectures cover and a laptop GPU can hold in fp32. */
export const KNOWN_MODELS: readonly KnownModel[] = [
  { repo: 'openai-community/gpt2', arch: 'gpt2', params: 124e6 },
  { repo: 'HuggingFaceTB/SmolLM2-135M', arch: 'llama', params: 135e6 },
  { repo: 'HuggingFaceTB/SmolLM2-360M', arch: 'llama', params: 362e6 },
  { repo: 'Qwen/Qwen2.5-0.5B', arch: 'qwen2', params: 494e6 },
  { repo: 'openai-community/gpt2-medium', arch: 'gpt2', params: 355e6 },
  { repo: 'TinyLlama/TinyLlama-1.1B-Chat-v1.0', arch: 'llama', params: 1.1e9 },
  { repo: 'meta-llama/Llama-3.2-1B', arch: 'llama', params: 1.24e9 },
];

/**
 * Bytes of GPU memory a model needs in the lab: fp32 weights, plus headroom for activations of a
 * sub-batch and the editor's statistics (a quarter of the weights is a generous bound at the
 * sequence lengths of edit prompts).
 */
export function gpuBytesNeeded(params: number): number {
  return Math.ceil(params * 4 * 1.25);
}

export function presetFor(model: string): EditPreset | undefined {
  return PRESETS.find((p) => p.model === model);
}

/**
 * Modules to edit when no preset exists: the MLP output projections of the upper-middle layers,
 * the band the paper's presets cluster in (≈ 35–95% depth).
 */
export function defaultLayers(layers: number): number[] {
  if (layers <= 2) return [layers - 1];
  const lo = Math.max(1, Math.floor(layers * 0.5));
  const hi = Math.max(lo, Math.floor(layers * 0.9) - 1);
  return range(lo, Math.min(hi, lo + 2));
}
