/**
 * `run`: a whole lifelong editing run from the command line (docs/design.md §5). Writes metrics.jsonl (one
 * line per turn, also echoed on stdout), report.json and edited.safetensors into --out; a checkpoint in
 * --out lets a killed run resume where it left off with the same numbers.
 */
import { mkdir, writeFile, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { int, list, num, parseFlags, str, UsageError, type Flags } from '../args';
import { Progress } from '../progress';
import { checkModules, loadModelFlag, loadRecordsFlag } from '../load';
import { shuffled, splitTrainEval } from '../../engine/data/split';
import { createWasmRuntime } from '../../engine/runtime/wasm-runtime';
import { DEFAULT_RUN, type RunConfig } from '../../engine/run/config';
import { LifelongRun } from '../../engine/run/lifelong-run';
import { DirStore } from '../../engine/run/dir-store';
import { encodeWeights } from '../../engine/run/export-weights';
import { WARMUP_PLACEMENTS, type WarmupPlacement } from '../../engine/run/schedule';
import type { RunEvent } from '../../engine/run/events';

export const summary = 'run a lifelong editing stream and write metrics, report and edited weights';
export const usage = `usage: stableedit-lab run --model DIR --data FILE --editor NAME --modules a,b
    --n-edits N --sub-batch B --turns T --lr X --ridge X --out DIR
    [--warmup-data FILE --warmup-turns K] [--warmup-placement start|q1|middle|q3|end] [--warmup-stats-only]
    [--seed S] [--checkpoint-every K] [--sample-every K] [--sample-size N] [--no-immediate] [--no-final]
    [--on-invalid skip|stop] [--shuffle SEED] [--warmup-split FRACTION|COUNT]

--shuffle SEED shuffles the edit stream (seeded) before it is cut into turns. --warmup-split takes the
warm-up edits from the data file's own train split (the rest is the edit stream) instead of --warmup-data.
Resumes from DIR/checkpoint.bin when it exists and was written with the same settings.`;

export function runConfigFromFlags(flags: Flags): RunConfig {
  const placement = str(flags, 'warmup-placement', 'start') as WarmupPlacement;
  if (!WARMUP_PLACEMENTS.includes(placement)) throw new UsageError(`--warmup-placement must be one of ${WARMUP_PLACEMENTS.join(', ')}`);
  return {
    ...DEFAULT_RUN,
    editor: str(flags, 'editor'),
    lr: num(flags, 'lr'),
    ridge: num(flags, 'ridge'),
    modules: list(flags, 'modules'),
    nEdits: int(flags, 'n-edits'),
    subBatch: int(flags, 'sub-batch'),
    turns: flags.turns === undefined ? undefined : int(flags, 'turns'),
    warmupTurns: int(flags, 'warmup-turns', 0),
    warmupPlacement: placement,
    warmupStatisticsOnly: flags['warmup-stats-only'] === true,
    immediateEval: flags['no-immediate'] !== true,
    finalEval: flags['no-final'] !== true,
    sampleEvery: int(flags, 'sample-every', DEFAULT_RUN.sampleEvery),
    sampleSize: int(flags, 'sample-size', DEFAULT_RUN.sampleSize),
    checkpointEvery: int(flags, 'checkpoint-every', DEFAULT_RUN.checkpointEvery),
    seed: int(flags, 'seed', 0),
  };
}

export async function run(argv: string[]): Promise<number> {
  const { flags } = parseFlags(argv);
  const config = runConfigFromFlags(flags);
  const out = str(flags, 'out');
  const splitFlag = flags['warmup-split'];
  if (config.warmupTurns > 0 && typeof flags['warmup-data'] !== 'string' && typeof splitFlag !== 'string')
    throw new UsageError('--warmup-turns needs --warmup-data FILE or --warmup-split');

  const model = await loadModelFlag(flags);
  checkModules(model, config.modules);
  const targetAll = await loadRecordsFlag(flags);
  const warmupFile = typeof flags['warmup-data'] === 'string' ? await loadRecordsFlag(flags, undefined, 'warmup-data') : undefined;
  const shuffleSeed = flags.shuffle === undefined ? undefined : int(flags, 'shuffle');
  let targetRecords = shuffleSeed === undefined ? targetAll : shuffled(targetAll, shuffleSeed);
  let warmupRecords = warmupFile;
  if (typeof splitFlag === 'string') {
    // The warm-up is the train split, the edit stream the rest ("eval"), in shuffled order when asked.
    const train = num(flags, 'warmup-split');
    const evalPart = train > 0 && train < 1 ? 1 - train : targetRecords.length - train;
    if (!(evalPart >= 0)) throw new UsageError(`--warmup-split ${train} is more than the ${targetRecords.length} records`);
    const split = splitTrainEval(targetRecords, { eval: evalPart });
    warmupRecords = split.train;
    targetRecords = split.eval;
  }
  const runtime = await createWasmRuntime(model);

  await mkdir(out, { recursive: true });
  const metricsPath = join(out, 'metrics.jsonl');
  let pending: Promise<void> = Promise.resolve();
  const emit = (e: RunEvent) => {
    if (e.type === 'turn') {
      const line = JSON.stringify(e.record) + '\n';
      process.stdout.write(line);
      pending = pending.then(() => appendFile(metricsPath, line));
    } else if (e.type === 'warning') process.stderr.write(`warning: ${e.message}\n`);
    else if (e.type === 'error') process.stderr.write(`error at ${e.where}: ${e.message}\n`);
    else if (e.type === 'metrics')
      process.stderr.write(`${e.record.protocol} metrics after ${e.record.edits} edits: ${summarize(e.record.metrics)}\n`);
  };

  const editRun = await LifelongRun.open(config, {
    runtime,
    tokenizer: model.tokenizer,
    target: targetRecords,
    warmup: warmupRecords,
    store: new DirStore(out),
    emit,
  });
  // A resumed run rewrites metrics.jsonl from the checkpoint's turns, so the file never has gaps or repeats.
  await writeFile(metricsPath, editRun.turns.map((t) => JSON.stringify(t) + '\n').join(''));
  const progress = new Progress(editRun.schedule.length, config.editor);
  progress.update(editRun.stepIndex);
  while (!editRun.done) {
    const rec = await editRun.step();
    progress.update(editRun.stepIndex, rec ? `loss ${rec.loss.toFixed(3)}` : '');
  }
  await pending;
  if (editRun.error) {
    process.stderr.write(
      `run stopped: ${editRun.error}\nThe last checkpoint in ${out} is intact; fix the input and run the same command to resume.\n`,
    );
    return 1;
  }
  const report = await editRun.finish();
  await writeFile(join(out, 'report.json'), JSON.stringify({ config, model: model.name, ...report }, null, 2) + '\n');
  const weights = await runtime.weights();
  await writeFile(
    join(out, 'edited.safetensors'),
    encodeWeights(weights, model.sourceNames, { editor: config.editor, edits: String(report.targetEdits) }),
  );
  await runtime.dispose();
  process.stderr.write(
    `final (${report.targetEdits} edits, token accuracy): ${summarize(report.final.metrics)}\nwrote ${out}/metrics.jsonl, report.json, edited.safetensors\n`,
  );
  return 0;
}

function summarize(m: Record<string, { tokenAccuracy: number } | undefined>): string {
  return Object.entries(m)
    .map(([k, v]) => `${k} ${((v?.tokenAccuracy ?? NaN) * 100).toFixed(2)}%`)
    .join(', ');
}
