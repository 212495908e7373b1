/** Tiny flag parser for the CLI: `--name value`, `--flag`, and `--name=value`. */
export type Flags = Record<string, string | true>;

export function parseFlags(argv: string[]): { flags: Flags; positional: string[] } {
  const flags: Flags = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0) flags[a.slice(2, eq)] = a.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) flags[a.slice(2)] = argv[++i];
    else flags[a.slice(2)] = true;
  }
  return { flags, positional };
}

export class UsageError extends Error {}

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
  if (!Number.isInteger(x)) throw new UsageError(`--${name} must be an integer, got ${x}`);
  return x;
}

export function list(flags: Flags, name: string): string[] {
  return str(flags, name)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
