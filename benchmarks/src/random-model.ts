/**
 * A random-weight model at any shape, built in memory (a 0.5B checkpoint would be 2 GB of
 * safetensors to encode and parse for nothing): the config the Hub would have, parsed by the same
 * parseConfig, every tensor expectedTensors lists, the same editable modules. Weight scales follow
 * generate-tiny (norm gains ≈ 1, embeddings 0.5, projections `std`), so activations stay finite.
 */
import { parseConfig } from '../../src/engine/model/config';
import { editableModules, expectedTensors } from '../../src/engine/model/modules';
import type { EditableModule, HeldWeights, ModelSpec, Weights } from '../../src/engine/model/spec';
import { Rng } from '../../src/engine/util/rng';
import type { ModelShape } from './shapes';

export interface RandomModel {
  spec: ModelSpec;
  weights: Weights;
  modules: EditableModule[];
}

export function shapeConfig(s: ModelShape, layers = s.layers): Record<string, unknown> {
  if (s.arch === 'gpt2') {
    return {
      model_type: 'gpt2',
      n_embd: s.hidden,
      n_layer: layers,
      n_head: s.heads,
      n_inner: s.intermediate,
      n_positions: s.maxPositions,
      vocab_size: s.vocab,
      layer_norm_epsilon: 1e-5,
      activation_function: 'gelu_new',
      bos_token_id: 0,
      eos_token_id: 0,
    };
  }
  return {
    model_type: s.arch,
    hidden_size: s.hidden,
    num_hidden_layers: layers,
    num_attention_heads: s.heads,
    num_key_value_heads: s.kvHeads,
    intermediate_size: s.intermediate,
    max_position_embeddings: s.maxPositions,
    vocab_size: s.vocab,
    rms_norm_eps: 1e-6,
    rope_theta: s.arch === 'qwen2' ? 1e6 : 1e5,
    tie_word_embeddings: s.tied,
    hidden_act: 'silu',
    bos_token_id: 0,
    eos_token_id: 0,
    ...(s.arch === 'qwen2' ? { use_sliding_window: false, sliding_window: s.maxPositions } : {}),
  };
}

export function randomModel(s: ModelShape, layers = s.layers, seed = 1, std = 0.02): RandomModel {
  const spec = parseConfig(shapeConfig(s, layers), `${s.id} shape`);
  const rng = new Rng(seed);
  const weights: Weights = new Map();
  for (const [name, shape] of expectedTensors(spec)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const [mean, sd] = scales(name, std);
    for (let i = 0; i < n; i++) data[i] = mean + sd * rng.normal();
    weights.set(name, { shape: shape.slice(), data });
  }
  return { spec, weights, modules: editableModules(spec) };
}

/**
 * The same shapes for the GPU kit, fast enough for billions of parameters: the frozen tensors (all but
 * the editable modules' weights) as fp16 bits, as model/load.ts frozen16 holds a 16-bit checkpoint's,
 * and every tensor's values a window, at a random offset, of one block of 1,000,003 normals (a prime
 * length, so no row of any width repeats another). Drawing each value (randomModel: ~7.5 M/s) would
 * take minutes at 1B parameters; this takes seconds, with the same scales and no fp32 copy of the
 * frozen tensors (a 7B shape's would be 28 GB). Values matter here only as far as they keep
 * activations finite and the keys full rank; the timings do not depend on them.
 */
export function randomModel16(
  s: ModelShape,
  layers = s.layers,
  seed = 1,
  std = 0.02,
): Omit<RandomModel, 'weights'> & { weights: HeldWeights } {
  const spec = parseConfig(shapeConfig(s, layers), `${s.id} shape`);
  const modules = editableModules(spec);
  const editable = new Set(modules.map((m) => m.weight));
  const rng = new Rng(seed);
  const P = 1_000_003;
  const base = new Float32Array(P);
  for (let i = 0; i < P; i++) base[i] = rng.normal();
  const blocks = new Map<string, { f32: Float32Array; f16: Uint16Array }>();
  const block = (mean: number, sd: number) => {
    const key = `${mean},${sd}`;
    let b = blocks.get(key);
    if (!b) {
      const f32 = base.map((x) => mean + sd * x);
      const f16 = new Uint16Array(P);
      toF16(f32, P, f16, 0);
      blocks.set(key, (b = { f32, f16 }));
    }
    return b;
  };
  const weights: HeldWeights = new Map();
  for (const [name, shape] of expectedTensors(spec)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const [mean, sd] = scales(name, std);
    const b = block(mean, sd);
    const offset = rng.int(P);
    if (editable.has(name)) weights.set(name, { shape: shape.slice(), data: tile(b.f32, offset, new Float32Array(n)) });
    else weights.set(name, { shape: shape.slice(), data: tile(b.f16, offset, new Uint16Array(n)), shift: 0 });
  }
  return { spec, weights, modules };
}

/** out = block[offset…] repeated. */
function tile<T extends Float32Array | Uint16Array>(block: T, offset: number, out: T): T {
  let at = 0;
  let from = offset;
  while (at < out.length) {
    const m = Math.min(block.length - from, out.length - at);
    out.set(block.subarray(from, from + m) as never, at);
    at += m;
    from = 0;
  }
  return out;
}

/** Mean and standard deviation of a tensor's random values, by its name (as generate-tiny). */
function scales(name: string, std: number): [number, number] {
  return /(norm|ln_\d|ln_f)\.weight$/.test(name) ? [1, 0.1] : /(embed_tokens|wte|wpe|lm_head)\.weight$/.test(name) ? [0, 0.5] : [0, std];
}

export function parameterCount(w: Weights | HeldWeights): number {
  let n = 0;
  for (const t of w.values()) n += t.data.length;
  return n;
}

/**
 * fp32 → fp16 bits, round to nearest even (F. Giesen's float_to_half_fast3_rtne), on a whole chunk
 * at once: the same bits as safetensors/dtypes.ts f32ToF16, which takes ~20× longer per value.
 */
export function toF16(x: Float32Array, n: number, out: Uint16Array, at: number): void {
  const u = new Uint32Array(x.buffer, x.byteOffset, n);
  const magic = new Float32Array(1);
  const magicBits = new Uint32Array(magic.buffer);
  const DENORM_MAGIC = ((127 - 15 + (23 - 10) + 1) << 23) >>> 0;
  magicBits[0] = DENORM_MAGIC;
  const magicF = magic[0];
  for (let i = 0; i < n; i++) {
    let f = u[i];
    const sign = (f >>> 16) & 0x8000;
    f = (f & 0x7fffffff) >>> 0;
    let o: number;
    if (f >= (127 + 16) << 23) o = f > 0x7f800000 ? 0x7e00 : 0x7c00;
    else if (f < 113 << 23) {
      magicBits[0] = f;
      magic[0] = magic[0] + magicF;
      o = magicBits[0] - DENORM_MAGIC;
    } else {
      const odd = (f >>> 13) & 1;
      o = (f + ((15 - 127) << 23) + 0xfff + odd) >>> 13;
    }
    out[at + i] = sign | o;
  }
}
