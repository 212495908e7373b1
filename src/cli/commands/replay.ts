/**
 * `replay`: the editor math alone on a captured stream (docs/design.md §5), so streams captured elsewhere
 * (e.g. by the PyTorch reference code) can be compared delta for delta: the float64 editor, or with
 * `--backend webgpu` the WGSL GPU editor on a Dawn device, chosen by the helpers `run` uses (cli/gpu.ts,
 * docs/design.md §4). Nothing is written before the last turn, so a lost device leaves no output behind.
 * In: `t{t}.sb{b}.{module}.keys` [N_b, dIn] and `.grads` [N_b, dOut] (optional `t{t}.sb{b}.loss` [1]).
 * Out: `t{t}.{module}.delta` [dIn, dOut] for every turn, and `<out minus .safetensors>.diagnostics.json`.
 */
import { nodeFile } from '../../engine/io/node-files';
import { createHash } from 'node:crypto';
import { commitJournalFor, commitTogether } from '../../engine/io/commit-together';
import { validateEditorSettings } from '../../engine/run/config';
import { readSafetensorsHeader, type TensorInfo } from '../../engine/safetensors/header';
import { readTensorF32 } from '../../engine/safetensors/read';
import { encodeSafetensors, type TensorToWrite } from '../../engine/safetensors/encode';
import type { EditorOptions, TurnDiagnostics } from '../../engine/editors/editor';
import { editorNames } from '../../engine/editors/registry';
import { zeroUpdateWarning } from '../../engine/editors/zero-update';
import { InputError, type FileSource, type ModuleCapture } from '../../engine/types';
import { int, list, num, parseFlags, requireFlags, str, UsageError, type FlagTable, type Flags } from '../args';
import { checkInputFile, checkOutputFile, sameFile } from '../paths';
import { withFileLock } from '../out-lock';
import { faultPoint, killAtWrites } from '../kill-points';
import { deviceLost, editorFlag, EDITOR_MATH_FLAGS, GPU_FLAGS, GpuDeviceLost, gpuFlag } from '../gpu';
import type { SharedGpu } from '../../engine/gpu/device';

export const summary = 'run an editor on a captured K/G stream and write every turn’s ΔW';

export const usage = `usage: stableedit-lab replay --in STREAM.safetensors --editor NAME --lr X --ridge X
                            [--warmup-turns K] [--modules a,b] [--solve dual|primal]
                            [--niw-mu0 X --niw-kappa0 X --niw-nu0 X --niw-psi0 X]
                            [--backend native|webgpu [--allow-software-adapter] [--editor-math auto|gpu|cpu]]
                            --out D.safetensors

  --in            tensors t{t}.sb{b}.{module}.keys [N_b, d_in] and .grads [N_b, d_out]
                  (optional t{t}.sb{b}.loss [1], reported in the diagnostics)
  --editor        ${editorNames.join(' | ')}
  --warmup-turns  turns 0..K-1 are warm-up turns (diagonal normalization; deltas still written)
  --modules       module order for the statistics updates within a sub-batch
                  (default: names in natural order, so layers.2 precedes layers.10)
  --solve         force the ridge form (default: dual when N < d_in)
  --backend       native (default): the float64 editor; webgpu: the WGSL GPU editor on a Dawn device, as
                  \`run --backend webgpu\` (a software adapter only with --allow-software-adapter;
                  --editor-math cpu keeps the float64 editor). A lost device stops it, writing nothing
  --out           writes t{t}.{module}.delta [d_in, d_out] (float32) and D.diagnostics.json beside it`;

const CAPTURE = /^t(\d+)\.sb(\d+)\.(.+)\.(keys|grads)$/;
const LOSS = /^t(\d+)\.sb(\d+)\.loss$/;

interface StreamLayout {
  /** turns[t][b] = module → {keys, grads} tensor infos. */
  turns: Map<string, { keys?: TensorInfo; grads?: TensorInfo }>[][];
  losses: (TensorInfo | undefined)[][];
}

/** Groups the stream's tensors by turn and sub-batch and checks that both are numbered 0, 1, 2, … */
export function streamLayout(tensors: Map<string, TensorInfo>, where: string): StreamLayout {
  const turns: Map<string, { keys?: TensorInfo; grads?: TensorInfo }>[][] = [];
  const losses: (TensorInfo | undefined)[][] = [];
  for (const [name, info] of tensors) {
    const m = CAPTURE.exec(name);
    if (m) {
      const [t, b] = [Number(m[1]), Number(m[2])];
      const sb = ((turns[t] ??= [])[b] ??= new Map());
      const kg = sb.get(m[3]) ?? {};
      kg[m[4] as 'keys' | 'grads'] = info;
      sb.set(m[3], kg);
      continue;
    }
    const l = LOSS.exec(name);
    if (l) (losses[Number(l[1])] ??= [])[Number(l[2])] = info;
  }
  if (turns.length === 0) throw new InputError(where, 'no tensors named t{t}.sb{b}.{module}.keys|grads');
  for (let t = 0; t < turns.length; t++) {
    if (!turns[t]) throw new InputError(where, `turn ${t} is missing (the stream has turns up to ${turns.length - 1})`);
    for (let b = 0; b < turns[t].length; b++) {
      if (!turns[t][b]) throw new InputError(where, `turn ${t} has no sub-batch ${b} (it has sub-batches up to ${turns[t].length - 1})`);
      let rows: { module: string; n: number } | null = null;
      for (const [module, kg] of turns[t][b]) {
        for (const part of ['keys', 'grads'] as const) {
          const info = kg[part];
          if (!info) throw new InputError(where, `t${t}.sb${b}.${module}.${part} is missing`);
          if (info.shape.length !== 2)
            throw new InputError(
              `${where}: ${info.name}`,
              `has shape [${info.shape.join(', ')}]; ${part} are one row per label position: [N, ${part === 'keys' ? 'd_in' : 'd_out'}] (a single row is [1, ${part === 'keys' ? 'd_in' : 'd_out'}])`,
            );
        }
        // Every module of a sub-batch is captured at the same label positions, so all have its N rows.
        const n = kg.keys!.shape[0];
        if (rows && rows.n !== n)
          throw new InputError(
            `${where}: t${t}.sb${b}`,
            `module ${module} has ${n} rows but ${rows.module} has ${rows.n}; the modules of one sub-batch are captured at the same label positions, so they have the same row count`,
          );
        rows ??= { module, n };
      }
      const loss = losses[t]?.[b];
      if (loss && !(loss.shape.length === 1 && loss.shape[0] === 1))
        throw new InputError(`${where}: ${loss.name}`, `has shape [${loss.shape.join(', ')}]; a sub-batch's loss is one value, shape [1]`);
    }
  }
  checkConsistent(turns, where);
  return { turns, losses };
}

/**
 * Every sub-batch of every turn must hold the same modules, each with the same d_in and d_out: the
 * editor keeps statistics per module across turns, and a stream that changes them is malformed.
 */
function checkConsistent(turns: StreamLayout['turns'], where: string): void {
  const first = turns[0][0];
  const shapes = new Map<string, { dIn: number; dOut: number; at: string }>();
  for (let t = 0; t < turns.length; t++)
    for (let b = 0; b < turns[t].length; b++) {
      const sb = turns[t][b];
      for (const m of first.keys())
        if (!sb.has(m)) throw new InputError(`${where}: t${t}.sb${b}`, `has no tensors for module ${m} (t0.sb0 has them)`);
      for (const [m, kg] of sb) {
        if (!first.has(m)) throw new InputError(`${where}: t${t}.sb${b}`, `has module ${m}, which t0.sb0 does not have`);
        const [dIn, dOut] = [kg.keys!.shape[1], kg.grads!.shape[1]];
        const seen = shapes.get(m);
        if (!seen) shapes.set(m, { dIn, dOut, at: `t${t}.sb${b}` });
        else if (seen.dIn !== dIn)
          throw new InputError(`${where}: t${t}.sb${b} module ${m}`, `d_in ${dIn}, earlier ${seen.dIn} (${seen.at})`);
        else if (seen.dOut !== dOut)
          throw new InputError(`${where}: t${t}.sb${b} module ${m}`, `d_out ${dOut}, earlier ${seen.dOut} (${seen.at})`);
      }
    }
}

async function readCapture(file: FileSource, module: string, keys: TensorInfo, grads: TensorInfo): Promise<ModuleCapture> {
  const where = `${file.name}: ${keys.name}`;
  if (keys.shape.length !== 2) throw new InputError(where, `expected shape [N, d_in], got [${keys.shape.join(', ')}]`);
  if (grads.shape.length !== 2)
    throw new InputError(`${file.name}: ${grads.name}`, `expected shape [N, d_out], got [${grads.shape.join(', ')}]`);
  if (keys.shape[0] !== grads.shape[0]) throw new InputError(where, `has ${keys.shape[0]} rows but ${grads.name} has ${grads.shape[0]}`);
  const [rows, dIn] = keys.shape;
  return { module, rows, dIn, dOut: grads.shape[1], keys: await readTensorF32(file, keys), grads: await readTensorF32(file, grads) };
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function diagnosticsPath(out: string): string {
  return out.replace(/\.safetensors$/, '') + '.diagnostics.json';
}

export const FLAGS = {
  in: { kind: 'string' },
  editor: { kind: 'string', choices: editorNames },
  lr: { kind: 'number', alsoKnownAs: ['learning-rate'] },
  ridge: { kind: 'number', alsoKnownAs: ['lambda', 'l2'] },
  'warmup-turns': { kind: 'int' },
  modules: { kind: 'list' },
  solve: { kind: 'string', choices: ['dual', 'primal'] },
  'niw-mu0': { kind: 'number' },
  'niw-kappa0': { kind: 'number' },
  'niw-nu0': { kind: 'number' },
  'niw-psi0': { kind: 'number' },
  backend: { kind: 'string', choices: ['native', 'webgpu'] },
  ...GPU_FLAGS,
  ...EDITOR_MATH_FLAGS,
  out: { kind: 'string' },
} satisfies FlagTable;

const NIW_FLAGS = ['niw-mu0', 'niw-kappa0', 'niw-nu0', 'niw-psi0'];

function editorOptions(flags: Flags): EditorOptions {
  const solve = flags.solve === undefined ? undefined : (str(flags, 'solve') as 'dual' | 'primal');
  const niwFlag = (k: string) => (flags[`niw-${k}`] === undefined ? undefined : num(flags, `niw-${k}`));
  const niw = { mu0: niwFlag('mu0'), kappa0: niwFlag('kappa0'), nu0: niwFlag('nu0'), psi0: niwFlag('psi0') };
  return { lr: num(flags, 'lr'), ridge: num(flags, 'ridge'), solveForm: solve, niw };
}

export async function run(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, FLAGS);
  requireFlags(flags, ['in', 'editor', 'lr', 'ridge', 'out']);
  const input = str(flags, 'in');
  const out = str(flags, 'out');
  const name = str(flags, 'editor');
  const warmupTurns = int(flags, 'warmup-turns', 0);
  if (warmupTurns < 0) throw new UsageError(`--warmup-turns must be ≥ 0, got ${warmupTurns}`);
  const niwGiven = NIW_FLAGS.filter((k) => flags[k] !== undefined);
  if (niwGiven.length && name !== 'stableedit-niw')
    throw new UsageError(`--${niwGiven[0]} is a setting of --editor stableedit-niw (its prior), not ${name}`);
  const opts = editorOptions(flags);
  const bad = validateEditorSettings({ editor: name, lr: opts.lr, ridge: opts.ridge }, editorNames);
  if (Object.keys(bad).length)
    throw new UsageError(
      Object.entries(bad)
        .map(([k, v]) => `--${k} ${v}`)
        .join('; '),
    );
  const order = flags.modules === undefined ? null : list(flags, 'modules');
  if (order && order.length === 0) throw new UsageError('--modules lists no module');
  await checkInputFile('in', input);
  await checkOutputFile('out', out);
  if ((await sameFile(input, out)) || (await sameFile(input, diagnosticsPath(out))))
    throw new UsageError(`--out ${out} would overwrite the input stream --in ${input}; choose another --out`);
  return withFileLock(
    'out',
    out,
    async () => {
      const gpu = await gpuFlag(flags);
      try {
        return await replay(input, out, name, warmupTurns, order, opts, flags, gpu);
      } finally {
        gpu?.device.destroy();
      }
    },
    [diagnosticsPath(out)],
  );
}

async function replay(
  input: string,
  out: string,
  name: string,
  warmupTurns: number,
  order: string[] | null,
  opts: EditorOptions,
  flags: Flags,
  gpu: SharedGpu | null,
): Promise<number> {
  const { editor } = await editorFlag(flags, name, opts, gpu);
  const lost = deviceLost(gpu);
  lost.catch(() => {}); // raced below; unobserved it would be an unhandled rejection
  const file = nodeFile(input);
  const { tensors } = await readSafetensorsHeader(file);
  const layout = streamLayout(tensors, input);
  if (warmupTurns > layout.turns.length)
    throw new InputError(`--warmup-turns ${warmupTurns}`, `is more than the ${layout.turns.length} turns of the stream ${input}`);
  const natural = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
  const outTensors: Record<string, TensorToWrite> = {};
  const diagnostics: TurnDiagnostics[] = [];
  let zeroWarned = false;
  for (let t = 0; t < layout.turns.length; t++) {
    const subBatches: ModuleCapture[][] = [];
    for (const [b, sb] of layout.turns[t].entries()) {
      const names = [...sb.keys()].sort(natural);
      if (order) {
        const unknown = names.filter((m) => !order.includes(m));
        if (unknown.length) throw new InputError(`${input}: t${t}.sb${b}`, `module ${unknown[0]} is not in --modules`);
        names.sort((x, y) => order.indexOf(x) - order.indexOf(y));
      }
      subBatches.push(await Promise.all(names.map((m) => readCapture(file, m, sb.get(m)!.keys!, sb.get(m)!.grads!))));
    }
    const lossInfos = layout.losses[t] ?? [];
    let loss: number | undefined;
    if (lossInfos.length === subBatches.length && lossInfos.every(Boolean)) {
      const ls = await Promise.all(lossInfos.map(async (i) => (await readTensorF32(file, i!))[0]));
      loss = ls.reduce((s, v) => s + v, 0) / ls.length;
    }
    let r: Awaited<ReturnType<typeof editor.turn>>;
    try {
      r = await Promise.race([editor.turn({ subBatches, warmup: t < warmupTurns, loss }), lost]);
      faultPoint('turn', gpu?.device);
    } catch (e) {
      // On the GPU a failed turn (a lost device, a kernel's own error) has written nothing: say so, no trace.
      if (!gpu || e instanceof InputError || !(e instanceof Error)) throw e;
      const why = e instanceof GpuDeviceLost ? e.message : `the GPU editor failed: ${e.message}`;
      process.stderr.write(`replay stopped: turn ${t}: ${why}; nothing was written to ${out}: run the command again\n`);
      return 1;
    }
    const zero = zeroWarned ? null : zeroUpdateWarning(r.deltas, `${input}: turn ${t}`, opts);
    if (zero) {
      zeroWarned = true;
      process.stderr.write(`warning: ${zero} (not repeated)\n`);
    }
    for (const [module, d] of r.deltas) outTensors[`t${t}.${module}.delta`] = { dtype: 'F32', shape: [d.dIn, d.dOut], data: d.delta };
    diagnostics.push(r.diagnostics);
  }
  // Both replaced together or not at all (a redo journal, docs/design.md §5); the diagnostics name
  // the deltas they belong with by SHA-256, so a reader can check the pair.
  const deltas = encodeSafetensors(outTensors, { editor: name, turns: String(layout.turns.length), warmup_turns: String(warmupTurns) });
  const diagnosticsJson =
    JSON.stringify(
      { editor: name, lr: opts.lr, ridge: opts.ridge, warmupTurns, deltasSha256: sha256Hex(deltas), turns: diagnostics },
      null,
      1,
    ) + '\n';
  await commitTogether(
    commitJournalFor(out),
    [
      { path: diagnosticsPath(out), bytes: diagnosticsJson },
      { path: out, bytes: deltas },
    ],
    killAtWrites,
  );
  process.stdout.write(
    `replay: ${name}, ${layout.turns.length} turns (${Math.min(warmupTurns, layout.turns.length)} warm-up) → ${out}, ${diagnosticsPath(out)}\n`,
  );
  return 0;
}
