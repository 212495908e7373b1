/**
 * Random-weight checkpoints at the exact configuration of a known Hub model (known-configs.ts, or
 * large-configs.ts for GPT-J-6B, Gemma-2-2B and Phi-3-mini) with
 * fewer layers: every tensor of a layer, the embedding and the head at their real sizes (GPT-2's
 * 50,257 × 768, Qwen2.5-0.5B's tied 151,936 × 896, Llama-3.2-1B's 128,256 × 2,048), so the loading,
 * GPU buffers, graphs and editor run at the shapes of the models people bring. Weights are written
 * straight into the safetensors bytes, a chunk at a time (no float64 copy of a 1 GB embedding), and
 * each tensor from its own seed, so any one of them can be regenerated to compare with an export.
 * The tokenizer is the tiny byte-level BPE (its ids are a prefix of the vocabulary); BOS/EOS point at it.
 */
import { f32ToBf16 } from '../safetensors/dtypes';
import { safetensorsLayout } from '../safetensors/encode';
import { parseConfig } from './config';
import { tinyTokenizerFiles } from './generate-tiny';
import { KNOWN_CONFIGS } from './known-configs';
import { LARGE_CONFIGS } from './large-configs';
import { expectedTensors } from './modules';
import type { Architecture, ModelSpec } from './spec';

export interface RealShapeOptions {
  layers: number;
  seed: number;
  /** The weights' dtype in the file (the Hub's checkpoints of these models are BF16, GPT-2's F32). */
  dtype?: 'F32' | 'BF16';
}

export interface RealShapeCheckpoint {
  files: Map<string, Uint8Array | string>;
  config: Record<string, unknown>;
  spec: ModelSpec;
  /** Tensor name in the file → shape. */
  shapes: Map<string, number[]>;
}

const CHUNK = 1 << 20;

export function realShapeCheckpoint(repo: string, o: RealShapeOptions): RealShapeCheckpoint {
  const known = [...KNOWN_CONFIGS, ...LARGE_CONFIGS].find((k) => k.repo === repo);
  if (!known) throw new Error(`no known or large config for ${repo}`);
  const base = known.config;
  const gpt2 = base.model_type === 'gpt2';
  const tok = tinyTokenizerFiles(base.model_type as Architecture);
  const dtype = o.dtype ?? 'F32';
  const config: Record<string, unknown> = {
    ...base,
    // GPT-2 and GPT-J count layers in n_layer, the others in num_hidden_layers.
    ...(base.n_layer !== undefined ? { n_layer: o.layers } : { num_hidden_layers: o.layers }),
    ...(base.max_window_layers !== undefined ? { max_window_layers: o.layers } : {}),
    // Gemma 3's per-layer attention types: those of the layers kept.
    ...(Array.isArray(base.layer_types) ? { layer_types: base.layer_types.slice(0, o.layers) } : {}),
    bos_token_id: tok.bosId,
    eos_token_id: tok.eosId,
    torch_dtype: dtype === 'F32' ? 'float32' : 'bfloat16',
  };
  const spec = parseConfig(config, `${repo} (${o.layers} layers)`);
  const shapes = new Map<string, number[]>();
  for (const [name, shape] of expectedTensors(spec)) shapes.set(gpt2 ? name.replace(/^transformer\./, '') : name, shape);
  const tensors: Record<string, { dtype: 'F32' | 'BF16'; shape: number[] }> = {};
  for (const [name, shape] of shapes) tensors[name] = { dtype, shape };
  // GPT-2's files carry the causal-mask buffers (F32), which the loader must skip.
  const P = spec.maxPositions;
  if (gpt2) for (let l = 0; l < spec.layers; l++) tensors[`h.${l}.attn.bias`] = { dtype: 'F32', shape: [1, 1, P, P] };

  const { names, start, out } = safetensorsLayout(tensors, { format: 'pt' });
  const dv = new DataView(out.buffer);
  const chunk = new Float32Array(CHUNK);
  for (const name of names) {
    const t = tensors[name];
    let pos = start.get(name)!;
    if (name.endsWith('.attn.bias')) {
      for (let i = 0; i < P; i++) for (let j = 0; j <= i; j++) dv.setFloat32(pos + 4 * (i * P + j), 1, true);
      continue;
    }
    const n = t.shape.reduce((a, b) => a * b, 1);
    const gen = tensorValues(name, o.seed);
    for (let done = 0; done < n; done += CHUNK) {
      const m = Math.min(CHUNK, n - done);
      gen(chunk, m);
      if (t.dtype === 'F32') for (let i = 0; i < m; i++, pos += 4) dv.setFloat32(pos, chunk[i], true);
      else for (let i = 0; i < m; i++, pos += 2) dv.setUint16(pos, f32ToBf16(chunk[i]), true);
    }
  }
  const files = new Map<string, Uint8Array | string>();
  files.set('config.json', JSON.stringify(config, null, 2));
  files.set('tokenizer.json', JSON.stringify(tok.tokenizerJson));
  files.set('tokenizer_config.json', JSON.stringify(tok.tokenizerConfig, null, 2));
  files.set('model.safetensors', out);
  return { files, config, spec, shapes };
}

/**
 * One tensor's values as written (before rounding to the file's dtype), from its name and the seed:
 * norms near 1, biases and weights uniform with std 0.02 (the models' initializer_range).
 */
export function realShapeTensor(name: string, seed: number, n: number): Float32Array {
  const v = new Float32Array(n);
  tensorValues(name, seed)(v, n);
  return v;
}

function tensorValues(name: string, seed: number): (into: Float32Array, n: number) => void {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  let s = h >>> 0 || 1;
  const isNorm = /(norm|ln_\d|ln_f)\.weight$/.test(name);
  const half = 0.02 * Math.sqrt(3); // uniform on [-half, half] has std 0.02
  return (into, n) => {
    for (let i = 0; i < n; i++) {
      // xorshift32: fast, and plenty for random weights.
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const u = (s >>> 0) / 4294967296 - 0.5;
      into[i] = isNorm ? 1 + 0.2 * u : 2 * half * u;
    }
  };
}
