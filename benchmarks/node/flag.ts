/** `--name value` of a bench script's command line (the scripts take few flags and no validation beyond their own). */
export function flagValue(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** The same, with a default when the flag is absent. */
export function flag(argv: readonly string[], name: string, fallback: string): string {
  return flagValue(argv, name) ?? fallback;
}
