/**
 * Typed reads of config.json fields, each failure naming the file and the field (shared by the
 * per-family parsers, config.ts and config-*.ts).
 */
import { InputError } from '../types';

export function int(c: Record<string, unknown>, key: string, where: string): number {
  const v = c[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0)
    throw new InputError(where, `${key} must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

export function optInt(c: Record<string, unknown>, key: string, where: string): number | undefined {
  return c[key] === undefined || c[key] === null ? undefined : int(c, key, where);
}

export function num(c: Record<string, unknown>, key: string, where: string, dflt?: number): number {
  const v = c[key];
  if ((v === undefined || v === null) && dflt !== undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(where, `${key} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

/** Llama 3.1 instruct lists several eos ids; the first is the canonical one. */
export function tokenId(c: Record<string, unknown>, key: string, where: string): number | null {
  let v = c[key];
  if (Array.isArray(v)) v = v[0];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw new InputError(where, `${key} must be a token id, got ${JSON.stringify(c[key])}`);
  return v;
}

/** A number field that may be null (e.g. Gemma's soft-capping): null when absent or null. */
export function optNum(c: Record<string, unknown>, key: string, where: string): number | null {
  return c[key] === undefined || c[key] === null ? null : num(c, key, where);
}

/** How a family defaults its attention shape where config.json is silent (the family's config class). */
export interface HeadDefaults {
  /** num_attention_heads where absent; undefined: the field is required. */
  heads?: number;
  /** num_key_value_heads where absent; undefined: as many as the query heads (no grouping). */
  kvHeads?: number;
  /** head_dim where absent; undefined: hidden_size / num_attention_heads. */
  headDim?: number;
  /** RoPE rotates the whole head (pairs of it), so head_dim must be even; partial rotary checks its own part. */
  wholeHeadRotates: boolean;
}

/**
 * num_attention_heads, num_key_value_heads and head_dim, checked the same way for every family: the
 * query heads a multiple of the key/value heads (repeat_kv), head_dim a whole number, and even where
 * the whole head rotates — each failure naming the field.
 */
export function attentionHeads(
  c: Record<string, unknown>,
  where: string,
  hidden: number,
  d: HeadDefaults,
): { heads: number; kvHeads: number; headDim: number } {
  const heads = d.heads === undefined ? int(c, 'num_attention_heads', where) : (optInt(c, 'num_attention_heads', where) ?? d.heads);
  const kvHeads = optInt(c, 'num_key_value_heads', where) ?? d.kvHeads ?? heads;
  if (heads % kvHeads !== 0)
    throw new InputError(where, `num_attention_heads ${heads} is not a multiple of num_key_value_heads ${kvHeads}`);
  const headDim = optInt(c, 'head_dim', where) ?? d.headDim ?? hidden / heads;
  if (!Number.isInteger(headDim))
    throw new InputError(
      where,
      `hidden_size ${hidden} is not divisible by num_attention_heads ${heads} (and config.json gives no head_dim)`,
    );
  if (d.wholeHeadRotates && headDim % 2 !== 0) throw new InputError(where, `head_dim ${headDim} must be even (RoPE rotates pairs)`);
  return { heads, kvHeads, headDim };
}
