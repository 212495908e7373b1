/**
 * Writes the demo world's datasets and tokenizer.
 *   npx tsx scripts/demo/generate.ts [--seed N] [--out public/demo/data] [--model-out public/demo/model]
 *                                    [--eval 1000] [--train 500]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { int, parseFlags, str, UsageError, type FlagTable } from '../../src/cli/args';
import { DEFAULT_OPTIONS, generateFiles } from './files';

const FLAGS = {
  seed: { kind: 'int' },
  out: { kind: 'string' },
  'model-out': { kind: 'string' },
  eval: { kind: 'int' },
  train: { kind: 'int' },
} satisfies FlagTable;

function main(argv: string[]): number {
  const flags = parseFlags(argv, FLAGS);
  const seed = int(flags, 'seed', DEFAULT_OPTIONS.seed);
  const dataDir = str(flags, 'out', 'public/demo/data');
  const modelDir = str(flags, 'model-out', 'public/demo/model');
  const nEval = int(flags, 'eval', DEFAULT_OPTIONS.nEval);
  const nTrain = int(flags, 'train', DEFAULT_OPTIONS.nTrain);
  if (nEval < 1 || nTrain < 0) throw new UsageError('--eval must be ≥ 1 and --train ≥ 0');
  for (const [path, text] of generateFiles({ seed, nEval, nTrain })) {
    const dest = path.startsWith('data/') ? join(dataDir, path.slice(5)) : join(modelDir, path.slice(6));
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, text);
    console.log(`${dest}  ${(Buffer.byteLength(text) / 1024).toFixed(1)} KiB`);
  }
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  if (e instanceof UsageError) {
    console.error(`generate: ${e.message}`);
    process.exitCode = 2;
  } else throw e;
}
