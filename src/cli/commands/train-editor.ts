/**
 * `train-editor`: meta-trains a hypernetwork editor on a dataset's training split (docs/design.md
 * §8) and writes it into --out as network.safetensors + hypernet.json (editors/hypernet/network-file.ts),
 * which `run --editor rledit|mend|malmen --hypernet DIR` reads. Per-step losses go to losses.jsonl (also on
 * stdout), progress and ETA to stderr, and a sealed checkpoint (checkpoint.bin: the network, its
 * normalizers, the accumulated gradient, Adam's moments, the edited weights and the order) every
 * --checkpoint-every steps, so a killed training run again resumes to the same bytes. Settings
 * default to the reference's config/editor/{rledit,mend,malmen}.yaml.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { int, list, num, parseFlags, requireFlags, str, UsageError, type FlagTable, type Flags } from '../args';
import { Progress } from '../progress';
import { checkModules, DATA_FLAGS, loadModelFlag, loadRecordsFlag, BACKEND_FLAGS, runtimeFlag } from '../load';
import { checkInputDir, checkInputFile, checkOutputDir } from '../paths';
import { acquireLock } from '../out-lock';
import { killAtWrites, killPoint } from '../kill-points';
import { fileSha256, folderSha256 } from '../fingerprint';
import { DEMO_MODEL_DIR } from '../demo-preset';
import { DEMO_MODULES } from '../../engine/lab/demo-defaults';
import { resolve } from 'node:path';
import { CheckpointRefused, describeMismatch, openSealedCheckpoint, sealCheckpoint } from '../../engine/run/checkpoint-seal';
import { DirStore } from '../../engine/run/dir-store';
import { removeStaleTemporaries, writeFileAtomic } from '../../engine/io/atomic-write';
import { pack, unpack } from '../../engine/util/pack';
import { InputError } from '../../engine/types';
import { useNodePool } from '../../engine/linalg/parallel/node-pool';
import {
  HYPERNET_EDITOR_NAMES,
  MALMEN_DEFAULTS,
  MEND_DEFAULTS,
  RLEDIT_DEFAULTS,
  rleditSettings,
  UNUSED_SETTINGS,
  users,
  type HypernetEditorName,
  type RLEditSettings,
} from '../../engine/editors/hypernet/rledit-settings';
import { RLEditTrainer, type StepLog, type TrainerCheckpoint } from '../../engine/editors/hypernet/rledit-train';
import { encodeNetwork, NETWORK_FILE, NETWORK_JSON, type NetworkDescription } from '../../engine/editors/hypernet/network-file';
import { sha256Hex } from '../../engine/run/checkpoint-seal';

export const summary = 'meta-train a hypernetwork editor (rledit, mend, malmen) on a training split';
export const usage = `usage: stableedit-lab train-editor --editor rledit|mend|malmen --model DIR --data TRAIN --modules a,b --out DIR
    [--n-edits N (100)] [--sub-batch B (10)] [--turns T] [--epochs E (${RLEDIT_DEFAULTS.epochs})]
    [--rank R (${RLEDIT_DEFAULTS.rank})] [--n-blocks K (${RLEDIT_DEFAULTS.nBlocks})] [--lr X (${RLEDIT_DEFAULTS.lr})] [--meta-lr X (${RLEDIT_DEFAULTS.metaLr})]
    [--loc-coef X (${RLEDIT_DEFAULTS.locCoef})] [--reg-coef X (${RLEDIT_DEFAULTS.regCoef})] [--max-grad-norm X (${RLEDIT_DEFAULTS.maxGradNorm})]
    [--time-decay X (${RLEDIT_DEFAULTS.timeDecay})] [--back-depth K (${RLEDIT_DEFAULTS.backDepth})] [--update-every K (0: once per epoch)]
    [--net-batch B (malmen: ${MALMEN_DEFAULTS.netBatch})] [--seed S] [--checkpoint-every K (5)] [--on-invalid skip|stop] [--backend native|wasm] [--threads N] [--restart] [--debug]

Trains on the records of --data in turns of --n-edits (each record needs its rephrase and locality
prompt and answer): each epoch is one sequential editing trajectory over --turns turns (default: every
whole turn of the file), shuffled with --seed. Defaults (shown: rledit's) are the reference's
config/editor/rledit.yaml, for mend its mend.yaml (rank ${MEND_DEFAULTS.rank}, ${MEND_DEFAULTS.nBlocks} blocks, loc-coef ${MEND_DEFAULTS.locCoef}), for malmen
its malmen.yaml (rledit's values, the network run in chunks of --net-batch rows). MEND and MALMEN train
as the reference's BaseEditor.train does, one edit a step on the unedited model with Adam every step,
so --time-decay, --back-depth, --update-every and --reg-coef are rledit's alone, --net-batch malmen's;
--lr is the network's initial step size per module (then learned). With the demo model, --modules
defaults to the demo preset's layers. Writes DIR/network.safetensors, DIR/hypernet.json (the model's
fingerprint and the modules: a run for another model or modules is refused), DIR/losses.jsonl; resumes
from DIR/checkpoint.bin, and refuses a finished DIR or another training's checkpoint unless --restart.`;

/** Why an editor has no use for a setting it refuses. */
const WHY_UNUSED: Partial<Record<keyof RLEditSettings, string>> = {
  timeDecay: 'MEND and MALMEN train one edit a step on the unedited model (BaseEditor.train), with no trajectory to decay over',
  backDepth: 'MEND and MALMEN train one edit a step on the unedited model (BaseEditor.train), with no earlier steps to reach back to',
  updateEvery: 'MEND and MALMEN take an Adam step every step (BaseEditor.train)',
  regCoef: "BaseEditor.train, by which MEND and MALMEN train, has no L2 term (their configs' reg_coef is read by no code)",
  netBatch: "only MALMEN runs its network in chunks of rows (editor.batch_size); the lab's RLEdit and MEND run every row at once",
};

/** Flag → RLEditSettings field. */
const SETTING_FLAGS: Record<string, { field: Exclude<keyof RLEditSettings, 'editor'>; kind: 'int' | 'number' }> = {
  rank: { field: 'rank', kind: 'int' },
  'n-blocks': { field: 'nBlocks', kind: 'int' },
  lr: { field: 'lr', kind: 'number' },
  'meta-lr': { field: 'metaLr', kind: 'number' },
  'loc-coef': { field: 'locCoef', kind: 'number' },
  'reg-coef': { field: 'regCoef', kind: 'number' },
  'max-grad-norm': { field: 'maxGradNorm', kind: 'number' },
  epochs: { field: 'epochs', kind: 'int' },
  'time-decay': { field: 'timeDecay', kind: 'number' },
  'back-depth': { field: 'backDepth', kind: 'int' },
  'update-every': { field: 'updateEvery', kind: 'int' },
  seed: { field: 'seed', kind: 'int' },
  'net-batch': { field: 'netBatch', kind: 'int' },
};

export const FLAGS = {
  model: { kind: 'string' },
  ...DATA_FLAGS,
  ...BACKEND_FLAGS,
  threads: { kind: 'int' },
  editor: { kind: 'string', choices: HYPERNET_EDITOR_NAMES },
  modules: { kind: 'list' },
  'n-edits': { kind: 'int' },
  'sub-batch': { kind: 'int' },
  turns: { kind: 'int' },
  'checkpoint-every': { kind: 'int' },
  out: { kind: 'string' },
  restart: { kind: 'bool' },
  ...Object.fromEntries(Object.entries(SETTING_FLAGS).map(([k, v]) => [k, { kind: v.kind }])),
} satisfies FlagTable;

interface TrainPlan {
  flags: Flags;
  out: string;
  settings: RLEditSettings;
  modules: string[];
  nEdits: number;
  subBatch: number;
  turns?: number;
  checkpointEvery: number;
}

export function planTraining(flags: Flags): TrainPlan {
  requireFlags(flags, ['editor', 'model', 'data', 'out']);
  const editor = str(flags, 'editor') as HypernetEditorName;
  const given: Partial<RLEditSettings> = { editor };
  if (HYPERNET_EDITOR_NAMES.includes(editor))
    for (const [flag, { field }] of Object.entries(SETTING_FLAGS))
      if (UNUSED_SETTINGS[editor].includes(field) && flags[flag] !== undefined)
        throw new UsageError(`--${flag} is a setting of --editor ${users(field)}, not ${editor}: ${WHY_UNUSED[field]}`);
  for (const [flag, { field, kind }] of Object.entries(SETTING_FLAGS))
    if (flags[flag] !== undefined) given[field] = kind === 'int' ? int(flags, flag) : num(flags, flag);
  let settings: RLEditSettings;
  try {
    settings = rleditSettings(given);
  } catch (e) {
    const flagOf = Object.fromEntries(Object.entries(SETTING_FLAGS).map(([f, { field }]) => [field, `--${f}`]));
    throw new UsageError(
      (e as Error).message.replace(/^[a-z]+ settings: /, '').replace(/\b([a-zA-Z]+) must/g, (m, k) => `${flagOf[k] ?? k} must`),
    );
  }
  const demo = resolve(str(flags, 'model')) === DEMO_MODEL_DIR;
  if (flags.modules === undefined && !demo) throw new UsageError('missing --modules (only the demo model has a preset for them)');
  const modules = flags.modules === undefined ? [...DEMO_MODULES] : list(flags, 'modules');
  const nEdits = int(flags, 'n-edits', 100);
  const subBatch = int(flags, 'sub-batch', 10);
  const checkpointEvery = int(flags, 'checkpoint-every', 5);
  for (const [k, v] of Object.entries({ 'n-edits': nEdits, 'sub-batch': subBatch }))
    if (!(v >= 1)) throw new UsageError(`--${k} must be a whole number ≥ 1 (got ${v})`);
  if (!(checkpointEvery >= 0)) throw new UsageError(`--checkpoint-every must be a whole number ≥ 0 (got ${checkpointEvery})`);
  if (flags.threads !== undefined && int(flags, 'threads') < 1)
    throw new UsageError(`--threads must be a whole number ≥ 1 (got ${flags.threads})`);
  const turns = flags.turns === undefined ? undefined : int(flags, 'turns');
  if (turns !== undefined && !(turns >= 1)) throw new UsageError(`--turns must be a whole number ≥ 1 (got ${turns})`);
  return { flags, out: str(flags, 'out'), settings, modules, nEdits, subBatch, turns, checkpointEvery };
}

export async function run(argv: string[]): Promise<number> {
  const plan = planTraining(parseFlags(argv, FLAGS));
  const { flags, out } = plan;
  await checkInputDir('model', str(flags, 'model'), 'a model folder (config.json, *.safetensors, tokenizer.json)');
  await checkInputFile('data', str(flags, 'data'));
  await checkOutputDir('out', out);
  const lock = await acquireLock(join(out, '.lock'), `--out ${out}`, (m) => process.stderr.write(`warning: ${m}\n`));
  try {
    return await trainLocked(plan);
  } finally {
    await lock.release();
  }
}

const OUTPUTS = [NETWORK_FILE, NETWORK_JSON, 'losses.jsonl', 'checkpoint.bin'];

interface SavedTraining {
  config: Record<string, unknown>;
  fingerprint: Record<string, string>;
  trainer: TrainerCheckpoint;
}

async function trainLocked(plan: TrainPlan): Promise<number> {
  const { flags, out, settings } = plan;
  await removeStaleTemporaries(out, OUTPUTS);
  if (flags.restart !== true && existsSync(join(out, NETWORK_JSON)))
    throw new InputError(
      `--out ${out}`,
      `holds a trained network (${NETWORK_JSON}); pass --restart to train again into this folder, or choose another --out`,
    );
  const model = await loadModelFlag(flags);
  checkModules(model, plan.modules);
  const records = await loadRecordsFlag(flags, undefined, 'data', model);
  const fingerprint = {
    model: await folderSha256(str(flags, 'model')),
    data: await fileSha256(str(flags, 'data')),
    'on-invalid': str(flags, 'on-invalid', 'stop'),
  };
  const config = {
    editor: 'rledit',
    settings,
    modules: plan.modules,
    nEdits: plan.nEdits,
    subBatch: plan.subBatch,
    turns: plan.turns ?? null,
  };
  if (flags.restart === true) for (const f of OUTPUTS) await rm(join(out, f), { force: true });
  await useNodePool(flags.threads === undefined ? undefined : int(flags, 'threads'));
  const runtime = await runtimeFlag(flags, model);
  const store = new DirStore(out, killAtWrites);
  const checkpointPath = join(out, 'checkpoint.bin');
  const lossesPath = join(out, 'losses.jsonl');
  try {
    const trainer = new RLEditTrainer(settings, {
      runtime,
      tokenizer: model.tokenizer,
      records,
      modules: plan.modules,
      nEdits: plan.nEdits,
      subBatch: plan.subBatch,
      turns: plan.turns,
    });
    const bytes = await store.read('checkpoint.bin');
    if (bytes) {
      const { payload } = await openSealedCheckpoint(bytes, checkpointPath).catch((e: unknown) => {
        throw e instanceof CheckpointRefused
          ? new InputError(checkpointPath, `${e.message.slice(e.where.length + 2)}; pass --restart to train from the start`)
          : e;
      });
      const saved = unpack<SavedTraining>(payload, checkpointPath);
      const differs = describeMismatch(saved, { config, fingerprint });
      if (differs.length)
        throw new InputError(
          checkpointPath,
          `belongs to another training; what differs: ${differs.join('; ')}. Train with the settings and files it was written with to resume it, or pass --restart`,
        );
      await trainer.load(saved.trainer);
      process.stderr.write(`resuming from ${checkpointPath} at step ${trainer.stepIndex} of ${trainer.totalSteps}\n`);
    }
    // The losses file always holds exactly the steps done (rewritten from the checkpoint's on resume).
    await writeFileAtomic(lossesPath, trainer.logs.map((l) => JSON.stringify(l) + '\n').join(''), killAtWrites);
    const progress = new Progress(trainer.totalSteps, `train ${settings.editor}`);
    progress.update(trainer.stepIndex);
    const { appendFileSync } = await import('node:fs');
    while (!trainer.done) {
      const log = (await trainer.step())!;
      const line = JSON.stringify(log) + '\n';
      process.stdout.write(line);
      appendFileSync(lossesPath, line);
      killPoint('appended:losses.jsonl');
      progress.update(trainer.stepIndex, describe(log));
      if (plan.checkpointEvery > 0 && trainer.stepIndex % plan.checkpointEvery === 0 && !trainer.done) {
        const saved: SavedTraining = { config, fingerprint, trainer: await trainer.save() };
        await store.write('checkpoint.bin', await sealCheckpoint(pack(saved)));
      }
    }
    const network = encodeNetwork(trainer.net);
    await writeFileAtomic(join(out, NETWORK_FILE), network, killAtWrites);
    const desc: NetworkDescription = {
      format: 'stableedit-lab hypernetwork',
      version: 1,
      editor: settings.editor,
      model: {
        fingerprint: fingerprint.model,
        arch: model.spec.arch,
        layers: model.spec.layers,
        hidden: model.spec.hidden,
        vocab: model.spec.vocabSize,
      },
      modules: trainer.net.modules,
      settings,
      training: {
        data: str(flags, 'data'),
        dataSha256: fingerprint.data,
        records: records.length,
        nEdits: plan.nEdits,
        subBatch: plan.subBatch,
        turnsPerEpoch: trainer.turnsPerEpoch,
        steps: trainer.totalSteps,
        seconds: trainer.elapsedMs / 1000,
      },
      sha256: await sha256Hex(network),
    };
    await writeFileAtomic(join(out, NETWORK_JSON), JSON.stringify(desc, null, 2) + '\n', killAtWrites);
    await store.remove('checkpoint.bin');
    process.stderr.write(
      `wrote ${out}/${NETWORK_FILE}, ${NETWORK_JSON}, losses.jsonl (${trainer.totalSteps} steps, ${(trainer.elapsedMs / 1000).toFixed(1)} s)\n`,
    );
    return 0;
  } finally {
    await runtime.dispose();
  }
}

function describe(l: StepLog): string {
  return `gen ${l.genLoss.toFixed(3)} loc ${l.locLoss.toExponential(2)} edit ${l.editLoss.toFixed(3)}`;
}
