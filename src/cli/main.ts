/**
 * `stableedit-lab <command>`: each command lives in ./commands/<name>.ts and exports
 * `summary`, `usage` and `run(argv)`. Adding a command is adding a file.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError } from './args';
import { InputError } from '../engine/types';

export interface Command {
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
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
    process.stdout.write(`usage: stableedit-lab <command> [flags]\n\ncommands:\n${lines.join('\n')}\n`);
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
  try {
    return await cmd.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${name}: ${e.message}\n\n${cmd.usage}\n`);
      return 2;
    }
    if (e instanceof InputError) {
      process.stderr.write(`${name}: error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
