/**
 * The CLI's flag parser. Each command declares its flags in one table (name → kind), so a new flag is
 * one line there; parsing rejects what the table does not know (with the nearest known flag), stray
 * positionals, missing values and values of the wrong kind — all before anything is loaded.
 * Accepted forms: `--name value`, `--name=value`, and `--flag` for booleans.
 */
import { editDistance } from '../engine/util/edit-distance';

/** 'seed': a whole number 0 … 2³² − 1 (the seeded generator, util/rng.ts, keeps 32 bits: larger seeds collapse onto smaller ones). */
export type FlagKind = 'string' | 'number' | 'int' | 'seed' | 'list' | 'bool';

export interface FlagSpec {
  kind: FlagKind;
  /** The only values a string flag takes. */
  choices?: readonly string[];
  /** Other spellings users try (not accepted: an unknown flag spelt like one suggests this flag). */
  alsoKnownAs?: readonly string[];
}

export type FlagTable = Record<string, FlagSpec>;
export type Flags = Record<string, string | true>;

/** Flags every command takes (main handles them). */
export const GLOBAL_FLAGS: FlagTable = { debug: { kind: 'bool' }, help: { kind: 'bool' } };

export class UsageError extends Error {}

export const SEED_MAX = 2 ** 32 - 1;

export function parseFlags(argv: string[], table: FlagTable): Flags {
  const known: FlagTable = { ...GLOBAL_FLAGS, ...table };
  const flags: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--') || a === '--') throw new UsageError(`unexpected argument "${a}" (every argument is a --flag)`);
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    const spec = known[name];
    if (!spec) {
      const spellings = Object.entries(known).flatMap(([k, v]) => [k, ...(v.alsoKnownAs ?? [])].map((a): [string, string] => [a, k]));
      const near = nearest(name, spellings);
      throw new UsageError(`unknown flag --${name}${near ? `; did you mean --${near}?` : ''}`);
    }
    if (name in flags) throw new UsageError(`--${name} is given twice`);
    if (spec.kind === 'bool') {
      if (eq > 0) throw new UsageError(`--${name} takes no value (got "${a.slice(eq + 1)}")`);
      flags[name] = true;
      continue;
    }
    let value: string;
    if (eq > 0) value = a.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
    else throw new UsageError(`--${name} needs a value`);
    checkValue(name, spec, value);
    flags[name] = value;
  }
  return flags;
}

function checkValue(name: string, spec: FlagSpec, value: string): void {
  if (value.trim() === '') throw new UsageError(`--${name} is empty`);
  if (spec.kind === 'number' || spec.kind === 'int' || spec.kind === 'seed') {
    const x = Number(value);
    if (!Number.isFinite(x)) throw new UsageError(`--${name} must be a number, got "${value}"`);
    if (spec.kind !== 'number' && !Number.isInteger(x)) throw new UsageError(`--${name} must be a whole number, got "${value}"`);
    if (spec.kind === 'seed' && !(x >= 0 && x <= SEED_MAX))
      throw new UsageError(
        `--${name} must be a whole number from 0 to ${SEED_MAX}, got "${value}" (seeds are 32-bit: a larger one would give the same draws as a smaller one)`,
      );
  }
  if (spec.choices && !spec.choices.includes(value))
    throw new UsageError(`--${name} must be one of ${spec.choices.join(', ')}, got "${value}"`);
}

/**
 * The flag whose spelling is closest to a misspelt name (edit distance, or one containing the other),
 * if any is close; `spellings` are [spelling, flag] pairs.
 */
export function nearest(name: string, spellings: readonly (readonly [string, string])[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const [k, flag] of spellings) {
    const d = k.includes(name) || name.includes(k) ? Math.abs(k.length - name.length) / 2 : editDistance(name, k);
    if (d < bestD) [best, bestD] = [flag, d];
  }
  return bestD <= Math.max(2, Math.floor(name.length / 2)) ? best : null;
}

export function str(flags: Flags, name: string, fallback?: string): string {
  const v = flags[name];
  if (typeof v === 'string') return v;
  if (fallback !== undefined) return fallback;
  throw new UsageError(`missing --${name}`);
}

export function num(flags: Flags, name: string, fallback?: number): number {
  const v = flags[name];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'string') throw new UsageError(`missing --${name} (a number)`);
  const x = Number(v);
  if (!Number.isFinite(x)) throw new UsageError(`--${name} must be a number, got "${v}"`);
  return x;
}

export function int(flags: Flags, name: string, fallback?: number): number {
  const x = num(flags, name, fallback);
  if (!Number.isInteger(x)) throw new UsageError(`--${name} must be a whole number, got ${x}`);
  return x;
}

export function list(flags: Flags, name: string): string[] {
  return str(flags, name)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Every flag of `names` that is absent, as one usage error listing them all. */
export function requireFlags(flags: Flags, names: readonly string[]): void {
  const missing = names.filter((n) => flags[n] === undefined);
  if (missing.length) throw new UsageError(`missing ${missing.map((n) => `--${n}`).join(', ')}`);
}
