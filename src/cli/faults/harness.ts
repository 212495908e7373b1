/**
 * What the fault suite shares: a tiny seeded model and short edit streams on disk, the CLI run in
 * this process (main, stdout/stderr captured) or as a child process (for SIGKILL), and a tally of
 * outcomes whose figures the suite prints at the end.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SyntheticStream, type SyntheticModule } from '../../engine/editors/synthetic-stream';
import { writeTinyCheckpoint } from '../../engine/model/write-tiny';
import type { TensorToWrite } from '../../engine/safetensors/encode';
import { main } from '../main';
import { openSealedCheckpoint } from '../../engine/run/checkpoint-seal';
import { unpack } from '../../engine/util/pack';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const MODULE = 'model.layers.1.mlp.down_proj';

export interface Fixture {
  dir: string;
  model: string;
  /** 24 ZsRE-layout records (JSON array). */
  data: string;
  dataJsonl: string;
  dataCsv: string;
  warmup: string;
}

export function zsreRecords(n: number, offset = 0) {
  return Array.from({ length: n }, (_, j) => {
    const i = j + offset;
    return {
      src: `Where does person ${i} live?`,
      alt: `City${i % 7}`,
      rephrase: `Person ${i} lives in which city?`,
      loc: `nq question: who wrote book ${i}`,
      loc_ans: `Author${i % 5}`,
    };
  });
}

export async function makeFixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'se-faults-'));
  const model = await writeTinyCheckpoint(join(dir, 'model'), {
    arch: 'llama',
    seed: 1,
    hidden: 16,
    layers: 2,
    heads: 2,
    maxPositions: 48,
  });
  const recs = zsreRecords(24);
  const data = join(dir, 'data.json');
  writeFileSync(data, JSON.stringify(recs, null, 1));
  const dataJsonl = join(dir, 'data.jsonl');
  writeFileSync(dataJsonl, recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const dataCsv = join(dir, 'data.csv');
  const cols = Object.keys(recs[0]) as (keyof (typeof recs)[0])[];
  writeFileSync(dataCsv, [cols.join(','), ...recs.map((r) => cols.map((c) => JSON.stringify(r[c])).join(','))].join('\n') + '\n');
  const warmup = join(dir, 'warmup.json');
  writeFileSync(warmup, JSON.stringify(zsreRecords(12, 100)));
  return { dir, model, data, dataJsonl, dataCsv, warmup };
}

/** A short run's flags on the fixture (4 turns of 3 edits, a checkpoint after every step). */
export function runArgs(f: Fixture, out: string, extra: string[] = []): string[] {
  return [
    'run',
    '--model',
    f.model,
    '--data',
    f.data,
    '--editor',
    'stableedit',
    '--modules',
    MODULE,
    '--n-edits',
    '3',
    '--sub-batch',
    '2',
    '--turns',
    '4',
    '--lr',
    '1e-2',
    '--ridge',
    '1',
    '--sample-every',
    '2',
    '--sample-size',
    '4',
    '--checkpoint-every',
    '1',
    '--out',
    out,
    ...extra,
  ];
}

/** argv with --name set to value (replaced where present, appended otherwise); null removes it. */
export function withFlag(argv: string[], name: string, value: string | null): string[] {
  const i = argv.indexOf(`--${name}`);
  const out = argv.slice();
  if (i >= 0) out.splice(i, 2);
  if (value !== null) out.push(`--${name}`, value);
  return out;
}

export interface CliResult {
  code: number | null;
  signal?: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `f` with stdout and stderr captured. */
export async function quiet<T>(f: () => Promise<T>): Promise<{ value: T; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
  try {
    const value = await f();
    return { value, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}

/** The CLI in this process, output captured. */
export async function cli(argv: string[]): Promise<CliResult> {
  // An exception escaping main is what a user would see as a crash with a stack trace.
  const r = await quiet(() => main(argv).catch((x: Error) => `UNCAUGHT ${x.stack}`));
  return typeof r.value === 'number'
    ? { code: r.value, stdout: r.stdout, stderr: r.stderr }
    : { code: null, stdout: r.stdout, stderr: `${r.stderr}\n${r.value}` };
}

/** A captured K/G stream (replay's input layout): `turns` turns of sub-batches with `rows` rows each. */
export function streamTensors(modules: SyntheticModule[], seed: number, turns: number, rows: number[]): Record<string, TensorToWrite> {
  const s = new SyntheticStream(modules, seed);
  const tensors: Record<string, TensorToWrite> = {};
  for (let t = 0; t < turns; t++)
    s.turn(rows).forEach((caps, b) => {
      for (const c of caps) {
        tensors[`t${t}.sb${b}.${c.module}.keys`] = { dtype: 'F32', shape: [c.rows, c.dIn], data: c.keys };
        tensors[`t${t}.sb${b}.${c.module}.grads`] = { dtype: 'F32', shape: [c.rows, c.dOut], data: c.grads };
      }
    });
  return tensors;
}

/** replay's argv on a stream (ridge 10). */
export function replayArgs(input: string, out: string, editor = 'stableedit', lr = '0.05'): string[] {
  return ['replay', '--in', input, '--editor', editor, '--lr', lr, '--ridge', '10', '--out', out];
}

/** The CLI as a child process (bin/stableedit-lab.mjs), with extra environment. */
export function spawnCli(argv: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/stableedit-lab.mjs'), ...argv], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** A stack frame line as Node prints them ("    at f (file.ts:1:2)"). */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+(:\d+:\d+\)?|\(native\))$/m.test(text) || text.includes('UNCAUGHT');
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Run outputs without what depends on the clock. */
export function normalize(value: unknown): unknown {
  const CLOCK = new Set(['wallMs', 'timings', 'timeMs', 'seconds', 'turnsPerSecond', 'editsPerSecond']);
  return JSON.parse(JSON.stringify(value), (k, v) => (CLOCK.has(k) ? undefined : v));
}

export interface Outputs {
  metrics: unknown[];
  evaluations: unknown[];
  report: unknown;
  edited: string;
}

export function outputs(dir: string): Outputs {
  return {
    metrics: readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => normalize(JSON.parse(l))),
    evaluations: readFileSync(join(dir, 'evaluations.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l)),
    report: normalize(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))),
    edited: sha256(join(dir, 'edited.safetensors')),
  };
}

/** The step the checkpoint in `dir` resumes at, or null; throws when it is damaged. */
export async function checkpointStep(dir: string): Promise<number | null> {
  const p = join(dir, 'checkpoint.bin');
  if (!existsSync(p)) return null;
  const { payload } = await openSealedCheckpoint(new Uint8Array(readFileSync(p)), p);
  return unpack<{ nextStep: number }>(payload).nextStep;
}

/** Case outcomes, counted for the figures the suite reports. */
export class Tally {
  tried = 0;
  clearErrors = 0;
  warnedAndRan = 0;
  stackTraces = 0;
  silentAcceptances = 0;
  unclear = 0;
  corruptOutputs = 0;
  lostWork = 0;
  resumesEqual = 0;
  resumes = 0;

  summary(title: string): string {
    return (
      `${title}: ${this.tried} cases tried, ${this.clearErrors} clear errors, ${this.warnedAndRan} valid-but-odd inputs run with a warning, ` +
      `${this.stackTraces} stack traces, ${this.silentAcceptances} silent acceptances, ${this.unclear} unclear messages, ` +
      `${this.corruptOutputs} corrupt or partial outputs, ${this.lostWork} cases of lost work` +
      (this.resumes ? `, resume equality ${this.resumesEqual}/${this.resumes}` : '')
    );
  }
}

/** A small tmpfs for full-disk cases, where this machine lets the suite mount one (root, no sandbox forbidding it). */
export interface SmallDisk {
  dir: string;
  /** Sets its size (tmpfs rounds up to whole pages); files on it stay. */
  resize(bytes: number): void;
  dispose(): void;
}

/** A mounted tmpfs of `bytes`, or the reason none can be mounted here (the suite then says so and runs the injected cases only). */
export function mountSmallDisk(bytes: number): SmallDisk | string {
  const dir = mkdtempSync(join(tmpdir(), 'se-tmpfs-'));
  const mount = (opts: string[]) => execFileSync('mount', opts, { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    mount(['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir]);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return `mount -t tmpfs failed: ${String((e as { stderr?: Buffer }).stderr ?? (e as Error).message).trim()}`;
  }
  return {
    dir,
    resize: (n) => void mount(['-o', `remount,size=${n}`, dir]),
    dispose: () => {
      try {
        execFileSync('umount', ['-l', dir]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
