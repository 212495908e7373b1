/**
 * Checkpoint tensor names and shapes per architecture (Hugging Face names), and the editable
 * modules. Weights are keyed by the canonical names here, which are also the module paths users
 * write in --modules; GPT-2 checkpoints on the Hub come with and without the `transformer.` prefix,
 * and both are accepted.
 */
import { InputError } from '../types';
import type { EditableModule, ModelSpec } from './spec';

/** Canonical tensor name → expected shape, in checkpoint order. */
export function expectedTensors(spec: ModelSpec): Map<string, number[]> {
  const m = new Map<string, number[]>();
  const { hidden: H, intermediate: I, vocabSize: V } = spec;
  if (spec.arch === 'gpt2') {
    m.set('transformer.wte.weight', [V, H]);
    m.set('transformer.wpe.weight', [spec.maxPositions, H]);
    for (let i = 0; i < spec.layers; i++) {
      const p = `transformer.h.${i}`;
      m.set(`${p}.ln_1.weight`, [H]);
      m.set(`${p}.ln_1.bias`, [H]);
      // Conv1D stores [in, out].
      m.set(`${p}.attn.c_attn.weight`, [H, 3 * H]);
      m.set(`${p}.attn.c_attn.bias`, [3 * H]);
      m.set(`${p}.attn.c_proj.weight`, [H, H]);
      m.set(`${p}.attn.c_proj.bias`, [H]);
      m.set(`${p}.ln_2.weight`, [H]);
      m.set(`${p}.ln_2.bias`, [H]);
      m.set(`${p}.mlp.c_fc.weight`, [H, I]);
      m.set(`${p}.mlp.c_fc.bias`, [I]);
      m.set(`${p}.mlp.c_proj.weight`, [I, H]);
      m.set(`${p}.mlp.c_proj.bias`, [H]);
    }
    m.set('transformer.ln_f.weight', [H]);
    m.set('transformer.ln_f.bias', [H]);
    return m;
  }
  if (spec.arch === 'gptj') {
    m.set('transformer.wte.weight', [V, H]);
    for (let i = 0; i < spec.layers; i++) {
      const p = `transformer.h.${i}`;
      m.set(`${p}.ln_1.weight`, [H]);
      m.set(`${p}.ln_1.bias`, [H]);
      for (const n of ['q_proj', 'k_proj', 'v_proj', 'out_proj']) m.set(`${p}.attn.${n}.weight`, [H, H]);
      m.set(`${p}.mlp.fc_in.weight`, [I, H]);
      m.set(`${p}.mlp.fc_in.bias`, [I]);
      m.set(`${p}.mlp.fc_out.weight`, [H, I]);
      m.set(`${p}.mlp.fc_out.bias`, [H]);
    }
    m.set('transformer.ln_f.weight', [H]);
    m.set('transformer.ln_f.bias', [H]);
    if (!spec.tiedEmbeddings) m.set('lm_head.weight', [V, H]);
    m.set('lm_head.bias', [V]);
    return m;
  }
  const q = spec.heads * spec.headDim;
  const kv = spec.kvHeads * spec.headDim;
  const fused = spec.arch === 'phi3';
  m.set('model.embed_tokens.weight', [V, H]);
  for (let i = 0; i < spec.layers; i++) {
    const p = `model.layers.${i}`;
    m.set(`${p}.input_layernorm.weight`, [H]);
    // nn.Linear stores [out, in]. Phi-3 fuses q, k, v into qkv_proj (rows in that order).
    if (fused) m.set(`${p}.self_attn.qkv_proj.weight`, [q + 2 * kv, H]);
    else {
      m.set(`${p}.self_attn.q_proj.weight`, [q, H]);
      m.set(`${p}.self_attn.k_proj.weight`, [kv, H]);
      m.set(`${p}.self_attn.v_proj.weight`, [kv, H]);
    }
    if (spec.qkNorm) {
      m.set(`${p}.self_attn.q_norm.weight`, [spec.headDim]);
      m.set(`${p}.self_attn.k_norm.weight`, [spec.headDim]);
    }
    if (spec.qkvBias) {
      m.set(`${p}.self_attn.q_proj.bias`, [q]);
      m.set(`${p}.self_attn.k_proj.bias`, [kv]);
      m.set(`${p}.self_attn.v_proj.bias`, [kv]);
    }
    m.set(`${p}.self_attn.o_proj.weight`, [H, q]);
    m.set(`${p}.post_attention_layernorm.weight`, [H]);
    if (spec.sandwichNorms) {
      m.set(`${p}.pre_feedforward_layernorm.weight`, [H]);
      m.set(`${p}.post_feedforward_layernorm.weight`, [H]);
    }
    // Phi-3 fuses gate and up into gate_up_proj (gate rows first).
    if (fused) m.set(`${p}.mlp.gate_up_proj.weight`, [2 * I, H]);
    else {
      m.set(`${p}.mlp.gate_proj.weight`, [I, H]);
      m.set(`${p}.mlp.up_proj.weight`, [I, H]);
    }
    m.set(`${p}.mlp.down_proj.weight`, [H, I]);
    if (spec.mlpBias) {
      m.set(`${p}.mlp.gate_proj.bias`, [I]);
      m.set(`${p}.mlp.up_proj.bias`, [I]);
      m.set(`${p}.mlp.down_proj.bias`, [H]);
    }
  }
  m.set('model.norm.weight', [H]);
  if (!spec.tiedEmbeddings) m.set('lm_head.weight', [V, H]);
  return m;
}

/** The checkpoint name as the lab keys it (GPT-2: add the `transformer.` prefix when absent). */
export function canonicalTensorName(spec: ModelSpec, name: string): string {
  if (spec.arch === 'gpt2' && !name.startsWith('transformer.') && !name.startsWith('lm_head.')) return `transformer.${name}`;
  return name;
}

/** The embedding matrix the LM head multiplies by ([V, H], logits = h·Eᵀ). */
export function lmHeadWeightName(spec: ModelSpec): string {
  if (spec.arch === 'gpt2') return 'transformer.wte.weight';
  return spec.tiedEmbeddings ? embeddingWeightName(spec) : 'lm_head.weight';
}

/** The token embedding [V, H]. */
export function embeddingWeightName(spec: ModelSpec): string {
  return spec.arch === 'gpt2' || spec.arch === 'gptj' ? 'transformer.wte.weight' : 'model.embed_tokens.weight';
}

/** The final norm's prefix (`.weight`, and `.bias` for a LayerNorm). */
export function finalNormName(spec: ModelSpec): string {
  return spec.arch === 'gpt2' || spec.arch === 'gptj' ? 'transformer.ln_f' : 'model.norm';
}

/** The checkpoint prefix of block `layer`. */
export function blockPrefix(spec: ModelSpec, layer: number): string {
  return spec.arch === 'gpt2' || spec.arch === 'gptj' ? `transformer.h.${layer}` : `model.layers.${layer}`;
}

/** Gated MLP (down(act(gate(x)) · up(x))): every family but GPT-2 and GPT-J, whose MLP is act(fc_in) → fc_out. */
export function gatedMlp(spec: ModelSpec): boolean {
  return spec.arch !== 'gpt2' && spec.arch !== 'gptj';
}

/** The editable module of a block: the MLP output projection. */
export function editableModuleName(spec: ModelSpec, layer: number): string {
  const p = blockPrefix(spec, layer);
  return spec.arch === 'gpt2' ? `${p}.mlp.c_proj` : spec.arch === 'gptj' ? `${p}.mlp.fc_out` : `${p}.mlp.down_proj`;
}

/** One editable module per layer: the MLP output projection (docs/design.md §1 step 3). */
export function editableModules(spec: ModelSpec): EditableModule[] {
  const out: EditableModule[] = [];
  for (let layer = 0; layer < spec.layers; layer++) {
    const name = editableModuleName(spec, layer);
    out.push({
      name,
      layer,
      dIn: spec.intermediate,
      dOut: spec.hidden,
      weight: `${name}.weight`,
      layout: spec.arch === 'gpt2' ? 'conv1d' : 'linear',
    });
  }
  return out;
}

/** Resolves user-written module paths (e.g. from --modules), in layer order, or says which is unknown. */
export function resolveModules(spec: ModelSpec, names: readonly string[]): EditableModule[] {
  const all = editableModules(spec);
  const byName = new Map(all.map((m) => [m.name, m]));
  const picked = new Set<EditableModule>();
  for (const raw of names) {
    const name = canonicalTensorName(spec, raw.trim());
    const m = byName.get(name);
    if (!m) {
      const eg = all.length > 0 ? ` (editable: ${all[0].name} … ${all[all.length - 1].name})` : '';
      throw new InputError(`module '${raw}'`, `is not an editable module of this ${spec.arch} model${eg}`);
    }
    picked.add(m);
  }
  return [...picked].sort((a, b) => a.layer - b.layer);
}
