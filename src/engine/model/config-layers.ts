/**
 * Config fields the newer families share: an explicit `layer_types` list (sliding_attention /
 * full_attention per layer) and the rope base, from `rope_theta` + `rope_scaling` or from
 * transformers 5's `rope_parameters` (docs/design.md §1).
 */
import { InputError } from '../types';
import { int, num } from './config-fields';
import type { RopeScaling } from './spec';

/** Per-layer windows from `layer_types` (null when the config has none); a length that disagrees with num_hidden_layers is named. */
export function windowsFromLayerTypes(
  c: Record<string, unknown>,
  layers: number,
  window: number | null,
  where: string,
): (number | null)[] | null {
  const t = c.layer_types;
  if (t === undefined || t === null) return null;
  if (!Array.isArray(t) || t.length !== layers)
    throw new InputError(where, `layer_types must list one type per layer (${layers}), got ${JSON.stringify(t).slice(0, 80)}`);
  return t.map((x, i) => {
    if (x === 'full_attention') return null;
    if (x === 'sliding_attention') {
      if (window === null) throw new InputError(where, `layer_types[${i}] is sliding_attention but sliding_window is null`);
      return window;
    }
    throw new InputError(where, `layer_types[${i}] ${JSON.stringify(x)} is not supported (sliding_attention or full_attention)`);
  });
}

/**
 * The rope base and the raw scaling block: `rope_theta` / `rope_scaling`, or `rope_parameters`
 * ({rope_theta, rope_type, …}; `key` picks one of Gemma 3's per-layer-type entries).
 */
export function ropeTheta(
  c: Record<string, unknown>,
  where: string,
  dflt: number,
  key?: 'full_attention' | 'sliding_attention',
): { theta: number; scaling: unknown } {
  let rp = c.rope_parameters as Record<string, unknown> | null | undefined;
  if (rp && key && typeof rp[key] === 'object') rp = rp[key] as Record<string, unknown>;
  if (rp && typeof rp === 'object' && rp.rope_theta !== undefined) {
    const at = `${where} rope_parameters${key ? `.${key}` : ''}`;
    return { theta: num(rp, 'rope_theta', at), scaling: rp.rope_type === 'default' ? null : rp };
  }
  return { theta: num(c, 'rope_theta', where, dflt), scaling: c.rope_scaling };
}

/** rope_scaling of the types in `allowed` (llama3, linear; Phi-3's longrope is read in config-phi3.ts). */
export function ropeScaling(raw: unknown, where: string, allowed: readonly ('llama3' | 'linear')[] = ['llama3']): RopeScaling | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (typeof raw !== 'object') throw new InputError(where, 'rope_scaling is not an object');
  const r = raw as Record<string, unknown>;
  const type = r.rope_type ?? r.type;
  if (type === 'default') return undefined;
  if (!allowed.includes(type as 'llama3'))
    throw new InputError(where, `rope_scaling type ${JSON.stringify(type)} is not supported (${allowed.join(', ')} only)`);
  const at = `${where} rope_scaling`;
  if (type === 'linear') return { type: 'linear', factor: num(r, 'factor', at) };
  return {
    type: 'llama3',
    factor: num(r, 'factor', at),
    lowFreqFactor: num(r, 'low_freq_factor', at),
    highFreqFactor: num(r, 'high_freq_factor', at),
    originalMaxPositions: int(r, 'original_max_position_embeddings', at),
  };
}
