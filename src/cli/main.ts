/**
 * `stableedit-lab <command>`: each command lives in ./commands/<name>.ts and exports
 * `summary`, `usage` and `run(argv)`. Adding a command is adding a file.
 *
 * The one error boundary of the CLI: a usage error exits 2 with the usage text, bad input or a failed
 * run exits 1 with a message naming the flag, file, record, field, tensor or module; a stack trace is
 * printed only with --debug.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError } from './args';
import { describeFailure, nextStepOf } from './failure';
import { withSignals } from './signals';

export interface Command {
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

/**
 * An error thrown outside the command's promise chain (a callback, a stream) would otherwise end the
 * process with Node's stack trace: it gets the same one-line message and exit status 1. For the
 * process the CLI owns (bin/stableedit-lab.mjs), not for tests calling main.
 */
export function installLastResort(argv: string[]): void {
  const name = argv[0] ?? 'stableedit-lab';
  const debug = argv.includes('--debug');
  const fail = (e: unknown) => {
    process.stderr.write(`${name}: error: ${describeFailure(e)}\n`);
    if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
}

function commandNames(): string[] {
  const dir = fileURLToPath(new URL('./commands/', import.meta.url));
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function load(name: string): Promise<Command> {
  return (await import(`./commands/${name}.ts`)) as Command;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const names = commandNames();
  if (!name || name === '--help' || name === 'help') {
    const lines = await Promise.all(names.map(async (n) => `  ${n.padEnd(10)} ${(await load(n)).summary}`));
    process.stdout.write(`usage: stableedit-lab <command> [flags] [--debug]\n\ncommands:\n${lines.join('\n')}\n`);
    return name ? 0 : 2;
  }
  if (!names.includes(name)) {
    process.stderr.write(`unknown command "${name}"; commands: ${names.join(', ')}\n`);
    return 2;
  }
  const cmd = await load(name);
  if (rest.includes('--help')) {
    process.stdout.write(cmd.usage + '\n');
    return 0;
  }
  const debug = rest.includes('--debug');
  try {
    return await withSignals(() => cmd.run(rest));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${name}: ${e.message}\n\n${cmd.usage}\n`);
      return 2;
    }
    process.stderr.write(`${name}: error: ${describeFailure(e)}\n`);
    const next = nextStepOf(e);
    if (next) process.stderr.write(`${next}\n`);
    if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    return 1;
  }
}
