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
