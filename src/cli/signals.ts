/**
 * SIGINT (Ctrl-C), SIGTERM and SIGHUP (docs/design.md §5, "Stopping"). Node's default for them ends the
 * process at once, skipping the 'exit' handlers that release an output's lock. While a command runs
 * (`withSignals`), the first signal instead:
 *   - in a command that has safe points (`run`, after `stopAtSafePoints()`), asks it to stop at the
 *     next one (the end of the current turn), where it saves a checkpoint and says how to resume;
 *   - in the others, exits at once with the conventional status (128 + the signal's number), through
 *     process.exit, so the lock is released; their outputs are written by temporary and rename, so
 *     nothing is left half-written under an output's name.
 * A second signal always exits at once, the same way (a force-quit loses the current turn, nothing more).
 */
const EXIT = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof EXIT;
const SIGNALS = Object.keys(EXIT) as StopSignal[];

let graceful = false;
let requested: StopSignal | null = null;

export function exitStatusOf(signal: StopSignal): number {
  return EXIT[signal];
}

function onSignal(signal: StopSignal): void {
  if (graceful && requested === null) {
    requested = signal;
    process.stderr.write(`\n${signal} received: stopping at the end of the current turn (send it again to quit at once)\n`);
    return;
  }
  process.stderr.write(
    `\n${signal} received: quitting at once; no output is left half-written${graceful ? ' (the last checkpoint stands: run the same command to resume from it)' : ''}\n`,
  );
  process.exit(EXIT[signal]);
}

/** Runs a command with the handlers installed, and removes them after. */
export async function withSignals<T>(work: () => Promise<T>): Promise<T> {
  [graceful, requested] = [false, null];
  for (const s of SIGNALS) process.on(s, onSignal);
  try {
    return await work();
  } finally {
    for (const s of SIGNALS) process.off(s, onSignal);
    [graceful, requested] = [false, null];
  }
}

/** From now on the first signal asks for a stop at a safe point instead of exiting. */
export function stopAtSafePoints(): void {
  graceful = true;
}

/** The signal that asked for a stop, or null. */
export function stopRequested(): StopSignal | null {
  return requested;
}

/** The exact command to run again, for messages: argv quoted for a POSIX shell, --restart dropped. */
export function commandLine(command: string, argv: readonly string[]): string {
  const q = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return ['npx', 'stableedit-lab', command, ...argv.filter((a) => a !== '--restart').map(q)].join(' ');
}
