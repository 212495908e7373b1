/**
 * `run`: a whole lifelong editing run from the command line (docs/design.md §5). Writes metrics.jsonl
 * (one line per turn, also echoed on stdout), evaluations.jsonl (every evaluation: pre-edit,
 * immediate, sampled, final), report.json and edited.safetensors into --out; a checkpoint in --out
 * lets a killed run resume where it left off with the same numbers.
 *
 * Order of work, so that a fault at any point loses nothing and leaves nothing half-written
 * (docs/design.md §5): flags and settings are checked before anything loads; paths before any work;
 * --out is locked; a finished run, an earlier run's outputs or a checkpoint of another run is refused
 * without --restart; the outputs (metrics.jsonl, evaluations.jsonl, edited.safetensors, report.json,
 * which marks the run finished) are committed together through a redo journal; the checkpoint is
 * removed last. SIGINT / SIGTERM / SIGHUP stop the run at the end of its turn with a checkpoint and the
 * command that resumes it; a full disk stops it with the last good checkpoint kept.
 */
import { rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { int, list, num, parseFlags, requireFlags, str, UsageError, type FlagTable, type Flags } from '../args';
import { Progress } from '../progress';
import { checkModules, DATA_FLAGS, loadModelFlag, loadRecordsFlag, BACKEND_FLAGS, runtimeFlag } from '../load';
import { checkInputDir, checkInputFile, checkOutputDir } from '../paths';
import { acquireLock, mustBeAFileIfThere } from '../out-lock';
import { commandLine, exitStatusOf, stopAtSafePoints, stopRequested } from '../signals';
import { withNextStep } from '../failure';
import { checkSourceSubjects } from '../../engine/editors/locate/prompts';
import { commitTogether, finishCommit } from '../../engine/io/commit-together';
import { faultPoint, killAtWrites, killPoint } from '../kill-points';
import { fileSha256, folderSha256 } from '../fingerprint';
import { demoPreset } from '../demo-preset';
import { shuffled, splitTrainEval } from '../../engine/data/split';
import { DEFAULT_RUN, validateRunConfig, type RunConfig } from '../../engine/run/config';
import { LifelongRun } from '../../engine/run/lifelong-run';
import { CheckpointRefused } from '../../engine/run/checkpoint-seal';
import { DirStore } from '../../engine/run/dir-store';
import { encodeWeights } from '../../engine/run/export-weights';
import { WARMUP_PLACEMENTS } from '../../engine/run/schedule';
import { HYPERNET_EDITORS, isHypernetEditor, runEditorNames } from '../../engine/run/config';
import { loadHypernetFlag } from '../hypernet-flag';
import { isLocateEditor, type LocateSettings } from '../../engine/editors/locate/settings';
import { corpusTexts } from '../../engine/editors/locate/corpus';
import { readFile, mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { DEMO_CORPUS, DEMO_GENERAL, DEMO_MODEL_DIR } from '../demo-preset';
import { parseGeneralSpec, readGeneralSets } from '../../engine/data/general-sets';
import { nodeFile } from '../../engine/io/node-files';
import { appendAll, removeStaleTemporaries, writeFileAtomic } from '../../engine/io/atomic-write';
import { InputError, type EditRecord } from '../../engine/types';
import type { RunEvent } from '../../engine/run/events';
import { useNodePool } from '../../engine/linalg/parallel/node-pool';
import { useNativeGemm } from '../../engine/linalg/native-gemm';
import { deviceLost, editorFlag, EDITOR_MATH_FLAGS, GpuDeviceLost, gpuFlag } from '../gpu';
import { indexRecordsFlag, streamsData } from '../streamed-records';
import { PER_RECORD_FILES, PerRecordFiles } from '../per-record-files';
import { cutToLines } from '../line-files';
import { asRecordSource, type RecordSource } from '../../engine/util/record-source';
import type { LoadedModel } from '../../engine/model/load';
import type { HeldWeights } from '../../engine/model/spec';

/** Prompts ROME's fluency samples per evaluation on the command line (10 × up to 100 tokens, one prompt at a time). */
const DEFAULT_FLUENCY_SIZE = 10;

export const summary = 'run a lifelong editing stream and write metrics, report and edited weights';
export const usage = `usage: stableedit-lab run --model DIR --data FILE --editor NAME --modules a,b
    --n-edits N --sub-batch B --turns T --lr X --ridge X --out DIR
    [--warmup-data FILE --warmup-turns K] [--warmup-placement start|q1|middle|q3|end] [--warmup-stats-only]
    [--seed S] [--checkpoint-every K] [--sample-every K] [--sample-size N] [--eval-chunk N] [--no-immediate] [--no-final]
    [--no-wild] [--fluency-size N] [--drift-size N] [--general [TASK=]FILE[,…] [--general-every K] [--general-size N]]
    [--on-invalid skip|stop] [--in-memory] [--shuffle SEED] [--warmup-split FRACTION|COUNT] [--restart] [--debug]
    [--backend native|wasm|webgpu [--allow-software-adapter] [--editor-math auto|gpu|cpu]] [--frozen16] [--threads N]
    MEMIT / AlphaEdit (--editor memit|alphaedit): [--stats-corpus FILE] [--stats-samples N] [--stats-cache DIR]
    [--v-steps N] [--v-lr X] [--clamp-norm X] [--kl-factor X] [--v-weight-decay X] [--mom2-weight X]
    [--nullspace-threshold X] [--alpha-l2 X] [--template-seed S]
    RLEdit, MEND, MALMEN (--editor rledit|mend|malmen): --hypernet DIR (a network from train-editor; no --lr, --ridge)

A JSON array or JSON Lines --data (and --warmup-data) is streamed: indexed, not held, and read again by
position as the run needs it, with the per-record pre-edit and final scores in pre-edit-scores.jsonl and
final-scores.jsonl; --in-memory reads them whole instead.
--eval-chunk N: records per chunk of the pre-edit, sampled and final evaluations (default 1000): a pass of more
than one chunk reports progress with ETA, and the final evaluation checkpoints after each chunk, so a kill
during it resumes at the chunk it reached.
The sampled, final and pre-edit evaluations score teacher-forced token accuracy and, unless --no-wild,
EasyEdit's WILD protocol (greedy generation judged by exact match and token F1); --fluency-size N
(default 10, 0 = off) adds ROME's fluency (n-gram entropy of sampled continuations) over N prompts;
--drift-size N (0 = off; the demo preset: 1000) adds representation drift: mean cosine and linear CKA
of the final-layer states of N seeded stream prompts against their pre-edit states.
--general FILE[,FILE…] adds general capability (the paper's Fig. 2: StableEdit's glue_eval prompts and
scores): GLUE's TSVs (SST-2, CoLA, MRPC, RTE, MNLI as NLI), MMLU's CSVs, or Hugging Face JSON / JSON Lines exports of
glue sst2|cola|mrpc|rte|mnli and cais/mmlu, the task told by the columns or the file's name (or a prefix:
cola=FILE); each scored on a seeded draw of --general-size examples (default 100) before editing, after
the last turn, and with the sampled evaluation of every --general-every K turns (a multiple of
--sample-every; default: every one). The demo preset scores the demo's own set (public/demo/data/general.json).
--backend webgpu: the model on onnxruntime-web's WebGPU EP and the editor math in the WGSL GPU editor, on
one Dawn device (a software adapter only with --allow-software-adapter); --editor-math cpu keeps the
float64 editor. A lost device stops the run with its last checkpoint intact: run the command again to resume.
--threads N: threads of the float64 editor math (whitening, ridge solve; default every core, at most 8;
the results are the same bits whatever N). Its large products run on onnxruntime-node's float64 Gemm
where the native binary loads (the same results to float64 rounding as the JS loops used otherwise).
--shuffle SEED shuffles the edit stream (seeded) before it is cut into turns. --warmup-split takes the
warm-up edits from the data file's own train split (the rest is the edit stream) instead of --warmup-data.
Resumes from DIR/checkpoint.bin when it exists; a checkpoint written with other settings or inputs, or
a finished run in DIR, is refused unless --restart (which starts over and replaces DIR's outputs).
With the demo model and the demo's eval stream, --modules, --lr, --ridge, --n-edits, --sub-batch and
--turns may all be left out: the page's demo preset is used (warm-up included where it has one).

MEMIT and AlphaEdit (docs/design.md §7) ignore --lr and --ridge; their settings default to the
authors' code (MEMIT: GPT-J hparams, AlphaEdit: Llama3-8B hparams). Records need a subject. The key
second moment C is taken over --stats-corpus (a text file, one sample per line, a JSON array of
strings or {text}, the demo's train-corpus.json, or a dataset whose prompts are used; the demo model
defaults to its own corpus), the first --stats-samples texts (default 100000), and cached in
--stats-cache DIR (default ~/.cache/stableedit-lab/stats).

RLEdit and MEND (docs/design.md §8) edit with the network train-editor wrote into DIR: its step sizes and λ
are the network's, so --lr and --ridge are refused; a network trained for another model (files or
shape) or other --modules is refused, saying what differs.`;

/** MEMIT / AlphaEdit flag → LocateSettings field. */
const LOCATE_FLAGS: Record<string, { field: keyof LocateSettings; kind: 'int' | 'number' | 'seed' }> = {
  'stats-samples': { field: 'mom2Samples', kind: 'int' },
  'v-steps': { field: 'steps', kind: 'int' },
  'v-lr': { field: 'lr', kind: 'number' },
  'clamp-norm': { field: 'clampNorm', kind: 'number' },
  'kl-factor': { field: 'klFactor', kind: 'number' },
  'v-weight-decay': { field: 'weightDecay', kind: 'number' },
  'mom2-weight': { field: 'mom2Weight', kind: 'number' },
  'nullspace-threshold': { field: 'nullspaceThreshold', kind: 'number' },
  'alpha-l2': { field: 'l2', kind: 'number' },
  'template-seed': { field: 'templateSeed', kind: 'seed' },
};

const LOCATE_FLAG_TABLE = {
  ...Object.fromEntries(Object.entries(LOCATE_FLAGS).map(([k, v]) => [k, { kind: v.kind }])),
  'stats-corpus': { kind: 'string' },
  'stats-cache': { kind: 'string' },
} as Record<string, { kind: 'int' | 'number' | 'seed' | 'string' }>;

export const FLAGS = {
  model: { kind: 'string' },
  ...DATA_FLAGS,
  ...BACKEND_FLAGS,
  ...EDITOR_MATH_FLAGS,
  threads: { kind: 'int' },
  editor: { kind: 'string', choices: [...runEditorNames, ...HYPERNET_EDITORS] },
  hypernet: { kind: 'string' },
  modules: { kind: 'list' },
  'n-edits': { kind: 'int', alsoKnownAs: ['batch-size', 'edits'] },
  'sub-batch': { kind: 'int' },
  turns: { kind: 'int' },
  lr: { kind: 'number', alsoKnownAs: ['learning-rate'] },
  ridge: { kind: 'number', alsoKnownAs: ['lambda', 'l2'] },
  'warmup-data': { kind: 'string' },
  'warmup-turns': { kind: 'int' },
  'warmup-placement': { kind: 'string', choices: WARMUP_PLACEMENTS },
  'warmup-stats-only': { kind: 'bool' },
  'warmup-split': { kind: 'number' },
  seed: { kind: 'seed' },
  'checkpoint-every': { kind: 'int' },
  'sample-every': { kind: 'int' },
  'sample-size': { kind: 'int' },
  'eval-chunk': { kind: 'int' },
  'no-immediate': { kind: 'bool' },
  'no-final': { kind: 'bool' },
  'no-wild': { kind: 'bool' },
  'in-memory': { kind: 'bool' },
  'fluency-size': { kind: 'int' },
  'drift-size': { kind: 'int' },
  general: { kind: 'string' },
  'general-every': { kind: 'int' },
  'general-size': { kind: 'int' },
  shuffle: { kind: 'seed' },
  out: { kind: 'string' },
  restart: { kind: 'bool' },
  ...LOCATE_FLAG_TABLE,
} satisfies FlagTable;

/** The flags the demo preset may stand in for; any other model needs them all. */
export const SETTINGS_FLAGS = ['modules', 'lr', 'ridge', 'n-edits', 'sub-batch', 'turns'] as const;
const REQUIRED = ['model', 'data', 'editor', 'out'] as const;

/** RunConfig field → the flag that sets it, so a settings problem names the flag. */
const FLAG_OF: Partial<Record<keyof RunConfig, string>> = {
  editor: '--editor',
  lr: '--lr',
  ridge: '--ridge',
  modules: '--modules',
  nEdits: '--n-edits',
  subBatch: '--sub-batch',
  turns: '--turns',
  warmupTurns: '--warmup-turns',
  warmupPlacement: '--warmup-placement',
  sampleEvery: '--sample-every',
  sampleSize: '--sample-size',
  fluencySize: '--fluency-size',
  driftSize: '--drift-size',
  generalEvery: '--general-every',
  generalSize: '--general-size',
  checkpointEvery: '--checkpoint-every',
  evalChunk: '--eval-chunk',
  seed: '--seed',
  ...Object.fromEntries(Object.entries(LOCATE_FLAGS).map(([flag, { field }]) => [`locate.${field}`, `--${flag}`])),
};

function describeProblems(bad: Record<string, string>): string {
  return Object.entries(bad)
    .map(([k, v]) => `${(FLAG_OF as Record<string, string>)[k] ?? k} ${v}`)
    .join('; ');
}

export function runConfigFromFlags(flags: Flags, base: Omit<RunConfig, 'modules'> & { modules?: string[] } = DEFAULT_RUN): RunConfig {
  const given = (k: string) => flags[k] !== undefined;
  return {
    ...base,
    editor: str(flags, 'editor', base.editor),
    lr: given('lr') ? num(flags, 'lr') : base.lr,
    ridge: given('ridge') ? num(flags, 'ridge') : base.ridge,
    modules: given('modules') ? list(flags, 'modules') : (base.modules ?? []),
    nEdits: int(flags, 'n-edits', base.nEdits),
    subBatch: int(flags, 'sub-batch', base.subBatch),
    turns: given('turns') ? int(flags, 'turns') : base.turns,
    warmupTurns: int(flags, 'warmup-turns', base.warmupTurns),
    warmupPlacement: str(flags, 'warmup-placement', base.warmupPlacement) as RunConfig['warmupPlacement'],
    warmupStatisticsOnly: flags['warmup-stats-only'] === true || base.warmupStatisticsOnly,
    immediateEval: flags['no-immediate'] !== true && base.immediateEval,
    finalEval: flags['no-final'] !== true && base.finalEval,
    sampleEvery: int(flags, 'sample-every', base.sampleEvery),
    sampleSize: int(flags, 'sample-size', base.sampleSize),
    wildEval: flags['no-wild'] !== true,
    fluencySize: int(flags, 'fluency-size', base.fluencySize ?? DEFAULT_FLUENCY_SIZE),
    driftSize: int(flags, 'drift-size', base.driftSize ?? 0),
    checkpointEvery: int(flags, 'checkpoint-every', base.checkpointEvery),
    ...(given('general-every')
      ? { generalEvery: int(flags, 'general-every') }
      : base.generalEvery !== undefined
        ? { generalEvery: base.generalEvery }
        : {}),
    ...(given('general-size')
      ? { generalSize: int(flags, 'general-size') }
      : base.generalSize !== undefined
        ? { generalSize: base.generalSize }
        : {}),
    ...(given('eval-chunk') ? { evalChunk: int(flags, 'eval-chunk') } : base.evalChunk !== undefined ? { evalChunk: base.evalChunk } : {}),
    seed: int(flags, 'seed', base.seed),
    ...locateFromFlags(flags, base.locate),
  };
}

function locateFromFlags(flags: Flags, base: RunConfig['locate']): Pick<RunConfig, 'locate'> {
  const locate: Partial<LocateSettings> = { ...base };
  for (const [flag, { field, kind }] of Object.entries(LOCATE_FLAGS))
    if (flags[flag] !== undefined) locate[field] = kind === 'number' ? num(flags, flag) : int(flags, flag);
  return Object.keys(locate).length ? { locate } : {};
}

interface RunPlan {
  config: RunConfig;
  flags: Flags;
  out: string;
  /** The warm-up file: --warmup-data, or the demo's train stream under the preset. */
  warmupData?: string;
  presetNote?: string;
  /** MEMIT / AlphaEdit: the texts of the key statistics. */
  statsCorpus?: string;
  /** General-capability files (--general, or the demo's set under the preset), each `[task=]path`. */
  general: string[];
}

/** Flags → a validated plan, or a usage error; nothing is read from disk but the flags. */
export function planRun(flags: Flags): RunPlan {
  requireFlags(flags, REQUIRED);
  if (flags.threads !== undefined && int(flags, 'threads') < 1)
    throw new UsageError(`--threads must be a whole number ≥ 1 (got ${flags.threads})`);
  const hypernet = typeof flags.editor === 'string' && isHypernetEditor(flags.editor);
  if (hypernet) {
    if (flags.hypernet === undefined)
      throw new UsageError(`--editor ${flags.editor} needs --hypernet DIR (a network trained by train-editor)`);
    for (const k of ['lr', 'ridge'])
      if (flags[k] !== undefined)
        throw new UsageError(
          `--${k} is not a setting of --editor ${flags.editor}: its step size and ridge λ are the trained network's (train-editor --lr sets the initial step size)`,
        );
  } else if (flags.hypernet !== undefined)
    throw new UsageError(`--hypernet is a setting of --editor ${HYPERNET_EDITORS.join(' | ')}, not ${flags.editor}`);
  const settingsFlags = hypernet ? SETTINGS_FLAGS.filter((k) => k !== 'lr' && k !== 'ridge') : SETTINGS_FLAGS;
  const preset = demoPreset(flags, settingsFlags);
  if (!preset) {
    const missing = settingsFlags.filter((k) => flags[k] === undefined && k !== 'turns');
    if (missing.length)
      throw new UsageError(
        `missing ${missing.map((k) => `--${k}`).join(', ')} (only the demo model with the demo's eval stream has a preset for them)`,
      );
  }
  const config = runConfigFromFlags(flags, preset?.config ?? DEFAULT_RUN);
  const warmupData = typeof flags['warmup-data'] === 'string' ? flags['warmup-data'] : preset?.warmupData;
  const bad = validateRunConfig(config);
  if (Object.keys(bad).length) throw new UsageError(describeProblems(bad));
  if (config.warmupTurns > 0 && warmupData === undefined && flags['warmup-split'] === undefined)
    throw new UsageError('--warmup-turns needs --warmup-data FILE or --warmup-split');
  if (flags['warmup-split'] !== undefined && flags['warmup-data'] !== undefined)
    throw new UsageError('--warmup-split and --warmup-data both name a warm-up source; give one');
  if (flags['warmup-split'] !== undefined && !(num(flags, 'warmup-split') > 0))
    throw new UsageError(`--warmup-split must be a fraction in (0, 1) or a record count ≥ 1, got ${flags['warmup-split']}`);
  const locate = isLocateEditor(config.editor);
  const given = ['stats-corpus', 'stats-cache', ...Object.keys(LOCATE_FLAGS)].filter((k) => flags[k] !== undefined);
  if (!locate && given.length) throw new UsageError(`--${given[0]} is a setting of --editor memit or alphaedit, not ${config.editor}`);
  let statsCorpus = typeof flags['stats-corpus'] === 'string' ? flags['stats-corpus'] : undefined;
  if (locate && statsCorpus === undefined) {
    if (resolve(str(flags, 'model')) !== DEMO_MODEL_DIR)
      throw new UsageError(
        `--editor ${config.editor} needs --stats-corpus FILE (texts for its key statistics; only the demo model has a default)`,
      );
    statsCorpus = DEMO_CORPUS;
  }
  const general =
    typeof flags.general === 'string'
      ? list(flags, 'general')
      : resolve(str(flags, 'model')) === DEMO_MODEL_DIR && preset
        ? [DEMO_GENERAL]
        : [];
  if (general.length === 0)
    for (const k of ['general-every', 'general-size'])
      if (flags[k] !== undefined) throw new UsageError(`--${k} is a setting of --general FILE (no general-capability set is given)`);
  return { config, flags, out: str(flags, 'out'), warmupData, presetNote: preset?.note, statsCorpus, general };
}

export async function run(argv: string[]): Promise<number> {
  const plan = planRun(parseFlags(argv, FLAGS));
  const { flags, out } = plan;
  await checkInputDir('model', str(flags, 'model'), 'a model folder (config.json, *.safetensors, tokenizer.json)');
  await checkInputFile('data', str(flags, 'data'));
  if (plan.warmupData !== undefined) await checkInputFile('warmup-data', plan.warmupData);
  if (plan.statsCorpus !== undefined) await checkInputFile('stats-corpus', plan.statsCorpus);
  for (const spec of plan.general) await checkInputFile('general', parseGeneralSpec(spec).path);
  if (plan.statsCorpus !== undefined) await checkOutputDir('stats-cache', statsCacheDir(flags));
  await checkOutputDir('out', out);
  for (const name of [...OUTPUTS, JOURNAL]) await mustBeAFileIfThere(`--out ${out}`, join(out, name));
  const lock = await acquireLock(join(out, '.lock'), `--out ${out}`, warn);
  // From here a Ctrl-C stops the run at the end of its turn (signals.ts).
  stopAtSafePoints();
  try {
    return await runLocked(plan, argv);
  } finally {
    await lock.release();
  }
}

const OUTPUTS = [
  'metrics.jsonl',
  'evaluations.jsonl',
  'report.json',
  'edited.safetensors',
  'checkpoint.bin',
  ...Object.values(PER_RECORD_FILES),
];
/** The redo journal of the outputs' commit (engine/io/commit-together.ts). */
const JOURNAL = '.outputs.commit';
/** Files only a finished run writes (committed with report.json). */
const RESULTS = ['edited.safetensors', 'evaluations.jsonl'];

function statsCacheDir(flags: Flags): string {
  return str(flags, 'stats-cache', join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'stableedit-lab', 'stats'));
}

/** Refuses to start over an earlier run's results without --restart, so none is ever replaced silently. */
function checkEarlierRun(out: string, restart: boolean): void {
  if (restart) return;
  if (existsSync(join(out, 'report.json')))
    throw new InputError(
      `--out ${out}`,
      'holds a finished run (report.json); pass --restart to run again into this folder (its outputs are replaced), or choose another --out',
    );
  if (existsSync(join(out, 'checkpoint.bin'))) return;
  const results = RESULTS.filter((n) => existsSync(join(out, n)));
  if (results.length)
    throw new InputError(
      `--out ${out}`,
      `holds an earlier run's results (${results.join(', ')}) without its report.json; pass --restart to replace them, or move them away, or choose another --out`,
    );
  if (existsSync(join(out, 'metrics.jsonl')))
    warn(`--out ${out}: metrics.jsonl is from a run that stopped before its first checkpoint; it is replaced by this run's`);
}

async function runLocked(plan: RunPlan, argv: string[]): Promise<number> {
  const { config, flags, out } = plan;
  // A commit a killed run left is finished first; then its temporaries are removed.
  await finishCommit(join(out, JOURNAL));
  await removeStaleTemporaries(out, [...OUTPUTS, JOURNAL]);
  // report.json is committed with the outputs: a checkpoint beside it is from a run killed while it cleaned up.
  if (existsSync(join(out, 'report.json'))) await rm(join(out, 'checkpoint.bin'), { force: true });
  checkEarlierRun(out, flags.restart === true);
  if (plan.presetNote) process.stderr.write(`${plan.presetNote}\n`);

  const gpu = await gpuFlag(flags);
  const model = await loadModelFlag(flags);
  checkModules(model, config.modules);
  // A JSON Lines or JSON array --data is streamed: indexed here, its records read again by position as the run needs them.
  const streamed = streamsData(str(flags, 'data'), flags);
  const { target, warmup } = streamed
    ? await streamedInputs(flags, plan.warmupData, model)
    : arrangeStreams(
        flags,
        await loadRecordsFlag(flags, undefined, 'data', model),
        plan.warmupData === undefined ? undefined : await loadRecordsFlag({ ...flags, data: plan.warmupData }, undefined, 'data', model),
      );
  const bad = validateRunConfig(config, { targetRecords: target.length, warmupRecords: warmup?.length ?? 0 });
  if (Object.keys(bad).length)
    throw new InputError(`--data ${str(flags, 'data')}`, `the settings do not fit the data: ${describeProblems(bad)}`);
  if (isLocateEditor(config.editor)) {
    // Before any work: every record these editors will edit needs its subject (docs/design.md §7).
    const check = (records: EditRecord[] | RecordSource, end: number, where: string) =>
      checkSourceSubjects(asRecordSource(records), 0, end, where);
    await check(target, config.turns === undefined ? target.length : config.turns * config.nEdits, `--data ${str(flags, 'data')}`);
    if (warmup && !config.warmupStatisticsOnly)
      await check(
        warmup,
        config.warmupTurns * config.nEdits,
        plan.warmupData === undefined ? `--warmup-split of --data ${str(flags, 'data')}` : `--warmup-data ${plan.warmupData}`,
      );
  }

  const fingerprint: Record<string, string> = {
    model: await folderSha256(str(flags, 'model')),
    data: await fileSha256(str(flags, 'data')),
    'warmup-data': plan.warmupData === undefined ? 'none' : await fileSha256(plan.warmupData),
    shuffle: flags.shuffle === undefined ? 'none' : String(flags.shuffle),
    'warmup-split': flags['warmup-split'] === undefined ? 'none' : String(flags['warmup-split']),
    'on-invalid': str(flags, 'on-invalid', 'stop'),
    'stats-corpus': plan.statsCorpus === undefined ? 'none' : await fileSha256(plan.statsCorpus),
    general: plan.general.length
      ? (await Promise.all(plan.general.map(async (g) => `${g}@${await fileSha256(parseGeneralSpec(g).path)}`))).join(',')
      : 'none',
  };
  const general = (
    await Promise.all(
      plan.general.map(async (spec) => {
        const { task, path } = parseGeneralSpec(spec);
        return readGeneralSets(nodeFile(path), task).catch((e: unknown) => {
          throw e instanceof InputError ? new InputError(`--general ${e.where}`, e.message.slice(e.where.length + 2)) : e;
        });
      }),
    )
  ).flat();
  const network = isHypernetEditor(config.editor)
    ? await loadHypernetFlag(flags, model, fingerprint.model, config.modules, config.editor)
    : undefined;
  if (network) fingerprint.hypernet = network.sha256;
  const corpus = plan.statsCorpus === undefined ? undefined : await loadCorpus(flags, plan.statsCorpus, model);
  const statsDir = statsCacheDir(flags);
  if (corpus) await mkdir(statsDir, { recursive: true });
  // --restart discards the folder's run only now that the new one's inputs have loaded.
  if (flags.restart === true) for (const f of OUTPUTS) await rm(join(out, f), { force: true });
  const checkpointPath = join(out, 'checkpoint.bin');
  const metricsPath = join(out, 'metrics.jsonl');
  // One progress line per pass (key statistics, a long evaluation), with ETA; a new pass starts at its first event.
  const passes = new Map<string, Progress>();
  const emit = (e: RunEvent) => {
    if (e.type === 'turn') {
      const line = JSON.stringify(e.record) + '\n';
      process.stdout.write(line);
      // Synchronously: the turn's line is on disk before the checkpoint that follows it is written.
      appendAll(metricsPath, line);
      killPoint('appended:metrics.jsonl');
    } else if (e.type === 'warning') warn(e.message);
    else if (e.type === 'error') process.stderr.write(`error at ${e.where}: ${e.message}\n`);
    else if (e.type === 'started' && e.resumedFrom !== null)
      process.stderr.write(`resuming from ${checkpointPath} at step ${e.resumedFrom} of ${e.steps}\n`);
    else if (e.type === 'progress') {
      if (!passes.has(e.what)) passes.set(e.what, new Progress(e.total, e.what));
      passes.get(e.what)!.update(e.done);
      if (e.done >= e.total) passes.delete(e.what);
    } else if (e.type === 'metrics')
      process.stderr.write(`${e.record.protocol} metrics after ${e.record.edits} edits: ${summarize(e.record.metrics)}\n`);
  };

  const f64 = await useNodePool(flags.threads === undefined ? undefined : int(flags, 'threads'));
  useNativeGemm(f64.threads); // the editor math's large products on ORT's float64 GEMM; JS where it cannot load
  const runtime = await runtimeFlag(flags, model, gpu);
  const lost = deviceLost(gpu);
  lost.catch(() => {}); // raced below; unobserved it would be an unhandled rejection
  const editor =
    isLocateEditor(config.editor) || isHypernetEditor(config.editor)
      ? null
      : await editorFlag(flags, config.editor, { lr: config.lr, ridge: config.ridge, niw: config.niw }, gpu);
  const store = new DirStore(out, killAtWrites);
  // Streamed: the pre-edit and final evaluations' per-record scores go to disk as they are scored.
  const perRecord = streamed ? new PerRecordFiles(out) : undefined;
  const resume = commandLine('run', argv);
  let editRun: LifelongRun | undefined;
  try {
    try {
      editRun = await LifelongRun.open(config, {
        runtime,
        tokenizer: model.tokenizer,
        target,
        warmup,
        store,
        emit,
        fingerprint,
        perRecord,
        onMismatch: 'refuse',
        checkpointWhere: checkpointPath,
        ...(editor?.backend === 'gpu' ? { createEditor: () => editor.editor } : {}),
        corpus,
        hypernet: network?.net,
        general,
        statsCache: corpus
          ? { store: new DirStore(statsDir), key: `${fingerprint.model.slice(0, 16)}-${fingerprint['stats-corpus'].slice(0, 16)}` }
          : undefined,
      });
    } catch (e) {
      if (e instanceof CheckpointRefused)
        throw new InputError(
          e.where,
          `${e.message.slice(e.where.length + 2)}. ${
            e.reason === 'damaged'
              ? 'Pass --restart to start the run over (the checkpoint is discarded), or restore the file.'
              : 'Run with the settings and files it was written with to resume it, or pass --restart to start over with these (the checkpoint and metrics in --out are discarded).'
          }`,
        );
      throw e;
    }
    const r = editRun;
    // A resumed run rewrites metrics.jsonl from the checkpoint's turns, so the file never has gaps or repeats;
    // a streamed one (whose checkpoint holds only their count) cuts it back to them.
    if (!perRecord) await writeFileAtomic(metricsPath, jsonLines(r.turns), killAtWrites);
    else if (!cutToLines(metricsPath, r.turnsDone))
      throw new InputError(
        metricsPath,
        `holds fewer than the ${r.turnsDone} turns the checkpoint has run: restore the file, or pass --restart to run again`,
      );
    const resumedAt = r.finalEvaluationResumedAt;
    if (resumedAt !== null) {
      perRecord?.resumeFinal(resumedAt);
      process.stderr.write(`resuming the final evaluation at record ${resumedAt} of ${r.editsApplied}\n`);
    }
    const progress = new Progress(r.schedule.length, config.editor);
    progress.update(r.stepIndex);
    let failure: string | null = null;
    while (!r.done && failure === null) {
      // One turn of the event loop first, so a signal that has arrived is seen at this turn boundary.
      await new Promise((resolve) => setImmediate(resolve));
      if (stopRequested()) return await stopHere(r, store, checkpointPath, resume);
      try {
        const rec = await Promise.race([r.step(), lost]);
        progress.update(r.stepIndex, rec ? `loss ${rec.loss.toFixed(3)}` : '');
        faultPoint('turn', gpu?.device);
      } catch (e) {
        // A write that failed (a full disk) or bad input goes to the handler below, which names the path;
        // a failed pass on the GPU (a lost device, the runtime's own error) changed nothing on disk.
        const systemError = typeof (e as NodeJS.ErrnoException).code === 'string';
        if (systemError || e instanceof InputError || (!gpu && !(e instanceof GpuDeviceLost))) throw e;
        failure = `step ${r.stepIndex}: ${(e as Error).message}`;
      }
    }
    failure ??= r.error;
    if (failure) {
      process.stderr.write(`run stopped: ${failure}\n${resumeNote(r, checkpointPath, resume, 'fix the input')}\n`);
      return 1;
    }
    if (stopRequested()) return await stopHere(r, store, checkpointPath, resume);
    const report = await r.finish({ keepCheckpoint: true });
    const weights = await runtime.weights();
    const edited = encodeWeights(weights, model.sourceNames, { editor: config.editor, edits: String(report.targetEdits) });
    const reportJson = JSON.stringify({ config, model: model.name, fingerprint, ...report }, null, 2) + '\n';
    // All four replaced together or not at all (a redo journal); report.json renamed last: it marks the run finished.
    await commitTogether(
      join(out, JOURNAL),
      [
        // A streamed run's metrics.jsonl is whole on disk already (appended turn by turn, cut back on resume).
        ...(perRecord ? [] : [{ path: metricsPath, bytes: jsonLines(r.turns) }]),
        // Every evaluation of the run (pre-edit, immediate, sampled, final) as the page's charts plot them.
        { path: join(out, 'evaluations.jsonl'), bytes: jsonLines(r.metrics) },
        { path: join(out, 'edited.safetensors'), bytes: edited },
        { path: join(out, 'report.json'), bytes: reportJson },
      ],
      killAtWrites,
    );
    await r.removeCheckpoint();
    killPoint('removed:checkpoint.bin');
    process.stderr.write(
      `final (${report.targetEdits} edits, token accuracy): ${summarize(report.final.metrics)}\nwrote ${out}/metrics.jsonl, evaluations.jsonl, report.json, edited.safetensors${
        perRecord && config.finalEval ? `, ${Object.values(PER_RECORD_FILES).join(', ')}` : ''
      }\n`,
    );
    return 0;
  } catch (e) {
    // A full disk, a failed write…: the last good checkpoint stands, and the note says how to go on from it.
    if (editRun) throw withNextStep(e, resumeNote(editRun, checkpointPath, resume, 'fix the cause (on a full disk: free space)'));
    throw e;
  } finally {
    (editor?.editor as { dispose?(): void } | undefined)?.dispose?.();
    await runtime.dispose();
  }
}

/** Where a stopped or failed run can go on from, and the command that does it. */
function resumeNote(r: LifelongRun, checkpointPath: string, resume: string, fix: string): string {
  const ck = r.lastCheckpoint;
  return ck === null
    ? `No checkpoint was written before this; ${fix}, then run the command again to start over:\n  ${resume}`
    : `The checkpoint ${checkpointPath} (step ${ck} of ${r.schedule.length}) is intact; ${fix}, then resume from it with the same command:\n  ${resume}`;
}

/** A stop asked for by a signal, at the end of a turn: a checkpoint of this step, where it stopped, how to resume. */
async function stopHere(r: LifelongRun, store: DirStore, checkpointPath: string, resume: string): Promise<number> {
  const signal = stopRequested()!;
  if (r.lastCheckpoint !== r.stepIndex) await r.saveCheckpoint(store);
  process.stderr.write(
    `stopped by ${signal} after step ${r.stepIndex} of ${r.schedule.length} (${r.editsApplied} edits applied); ` +
      `the checkpoint ${checkpointPath} holds it.\nto resume:\n  ${resume}\n`,
  );
  return exitStatusOf(signal);
}

/** A streamed run's edit stream and warm-up: --data indexed, arranged by position as arrangeStreams arranges records. */
async function streamedInputs(
  flags: Flags,
  warmupData: string | undefined,
  model: LoadedModel<HeldWeights>,
): Promise<{ target: RecordSource; warmup: RecordSource | EditRecord[] | undefined }> {
  const data = await indexRecordsFlag(flags, 'data', model);
  const warmupFile =
    warmupData === undefined
      ? undefined
      : streamsData(warmupData, flags)
        ? await indexRecordsFlag({ ...flags, 'warmup-data': warmupData }, 'warmup-data', model)
        : await loadRecordsFlag({ ...flags, data: warmupData }, undefined, 'data', model);
  const { target, warmup } = arrangeStreams(
    flags,
    data.valid,
    warmupFile === undefined || Array.isArray(warmupFile) ? undefined : warmupFile.valid,
  );
  return {
    target: data.source(target),
    // --warmup-split: positions of --data; --warmup-data: its own file
    warmup:
      flags['warmup-split'] !== undefined
        ? data.source(warmup!)
        : warmupFile === undefined
          ? undefined
          : Array.isArray(warmupFile)
            ? warmupFile
            : warmupFile.source(warmupFile.valid),
  };
}

/** The edit stream and warm-up records (or their positions) after --shuffle and --warmup-split. */
function arrangeStreams<T>(flags: Flags, targetAll: T[], warmupFile: T[] | undefined): { target: T[]; warmup: T[] | undefined } {
  const target = flags.shuffle === undefined ? targetAll : shuffled(targetAll, int(flags, 'shuffle'));
  if (flags['warmup-split'] === undefined) return { target, warmup: warmupFile };
  // The warm-up is the train split, the edit stream the rest ("eval"), in shuffled order when asked.
  const train = num(flags, 'warmup-split');
  const evalPart = train < 1 ? 1 - train : target.length - train;
  if (!(evalPart >= 0))
    throw new InputError(`--warmup-split ${train}`, `is more than the ${target.length} records of --data ${str(flags, 'data')}`);
  const split = splitTrainEval(target, { eval: evalPart });
  return { target: split.eval, warmup: split.train };
}

function jsonLines(rows: readonly unknown[]): string {
  return rows.map((t) => JSON.stringify(t) + '\n').join('');
}

function warn(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}

function summarize(m: Record<string, { tokenAccuracy: number } | undefined>): string {
  return Object.entries(m)
    .map(([k, v]) => `${k} ${((v?.tokenAccuracy ?? NaN) * 100).toFixed(2)}%`)
    .join(', ');
}

/** --stats-corpus as texts: a corpus file (editors/locate/corpus.ts), or else a dataset's prompts. */
async function loadCorpus(flags: Flags, path: string, model: Parameters<typeof loadRecordsFlag>[3]): Promise<string[]> {
  const texts = corpusTexts(await readFile(path, 'utf8'), `--stats-corpus ${path}`);
  if (texts) {
    if (texts.length === 0) throw new InputError(`--stats-corpus ${path}`, 'holds no text');
    return texts;
  }
  return (await loadRecordsFlag({ ...flags, data: path }, undefined, 'data', model)).map((r) => r.prompt);
}
