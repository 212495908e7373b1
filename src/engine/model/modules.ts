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
  const q = spec.heads * spec.headDim;
  const kv = spec.kvHeads * spec.headDim;
  m.set('model.embed_tokens.weight', [V, H]);
  for (let i = 0; i < spec.layers; i++) {
    const p = `model.layers.${i}`;
    m.set(`${p}.input_layernorm.weight`, [H]);
    // nn.Linear stores [out, in].
    m.set(`${p}.self_attn.q_proj.weight`, [q, H]);
    m.set(`${p}.self_attn.k_proj.weight`, [kv, H]);
    m.set(`${p}.self_attn.v_proj.weight`, [kv, H]);
    if (spec.qkvBias) {
      m.set(`${p}.self_attn.q_proj.bias`, [q]);
      m.set(`${p}.self_attn.k_proj.bias`, [kv]);
      m.set(`${p}.self_attn.v_proj.bias`, [kv]);
    }
    m.set(`${p}.self_attn.o_proj.weight`, [H, q]);
    m.set(`${p}.post_attention_layernorm.weight`, [H]);
    m.set(`${p}.mlp.gate_proj.weight`, [I, H]);
    m.set(`${p}.mlp.up_proj.weight`, [I, H]);
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
  return spec.tiedEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight';
}

/** One editable module per layer: the MLP output projection (docs/design.md §1 step 3). */
export function editableModules(spec: ModelSpec): EditableModule[] {
  const out: EditableModule[] = [];
  for (let layer = 0; layer < spec.layers; layer++) {
    const name = spec.arch === 'gpt2' ? `transformer.h.${layer}.mlp.c_proj` : `model.layers.${layer}.mlp.down_proj`;
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
