/**
 * Fault suite, a full disk (docs/design.md §5, "Writes"): run, capture and replay on a disk that fills
 * part-way through a write. Two ways, so the cases run on every machine: an injected full disk
 * (STABLEEDIT_DISK_FULL_AT, engine/io/injected-disk-full.ts: the write cut short as write(2) cuts it,
 * every later write refused), always; and a real small tmpfs where this machine lets the suite mount
 * one (the summary line says which ran). Each case: exit 1, the message names the file and the bytes
 * it needed, nothing truncated under a final name, the previous checkpoint kept, and once there is
 * space the same command resumes to exactly the uninterrupted run's outputs.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeFile } from '../../engine/io/node-files';
import { readSafetensorsHeader } from '../../engine/safetensors/header';
import { encodeSafetensors } from '../../engine/safetensors/encode';
import {
  checkpointStep,
  cli,
  hasStackTrace,
  makeFixture,
  MODULE,
  mountSmallDisk,
  outputs,
  replayArgs,
  runArgs,
  sha256,
  streamTensors,
  Tally,
  type CliResult,
  type Fixture,
  type Outputs,
  type SmallDisk,
} from './harness';

const tally = new Tally();
let f: Fixture;
let reference: Outputs;
let disk: SmallDisk | string;
let input: string;

/** The CLI in this process with the disk filling at `at` ("<file>#<n>"). */
async function onFullDisk(at: string, argv: string[]): Promise<CliResult> {
  process.env.STABLEEDIT_DISK_FULL_AT = at;
  try {
    return await cli(argv);
  } finally {
    delete process.env.STABLEEDIT_DISK_FULL_AT;
  }
}

const NO_SPACE = (file: string) =>
  new RegExp(
    `${file.replace(/\./g, '\\.')}: no space left on the device \\(writing [\\d,]+ bytes did not fit; what was under this name is untouched\\)`,
  );

/** Every file under a final name is whole (or absent), no temporary or lock is left, and the checkpoint opens. */
async function nothingPartial(dir: string): Promise<string[]> {
  const bad: string[] = [];
  const names = readdirSync(dir);
  for (const n of names) if (/\.tmp$|^\.lock$|\.lock$/.test(n)) bad.push(`${n} left behind`);
  await checkpointStep(dir).catch((e: Error) => bad.push(`checkpoint: ${e.message}`));
  for (const n of names.filter((x) => x.endsWith('.safetensors')))
    await readSafetensorsHeader(nodeFile(join(dir, n))).catch((e: Error) => bad.push(`${n}: ${e.message}`));
  for (const n of names.filter((x) => x.endsWith('.json')))
    try {
      JSON.parse(readFileSync(join(dir, n), 'utf8'));
    } catch (e) {
      bad.push(`${n}: ${(e as Error).message}`);
    }
  if (bad.length) tally.corruptOutputs++;
  return bad;
}

/** The outcome of a full-disk case: a clear error naming the file, no stack trace, nothing partial. */
async function fullDiskCase(r: CliResult, names: RegExp, dir: string): Promise<void> {
  tally.tried++;
  if (hasStackTrace(r.stderr)) tally.stackTraces++;
  if (r.code === 0) tally.silentAcceptances++;
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toMatch(names);
  expect(hasStackTrace(r.stderr)).toBe(false);
  expect(await nothingPartial(dir)).toEqual([]);
  tally.clearErrors++;
}

/** The same command with space again: it resumes (from `step` when given) and ends equal to the uninterrupted run. */
async function resumesEqual(out: string, step: number | null): Promise<void> {
  const r = await cli(runArgs(f, out));
  tally.tried++;
  tally.resumes++;
  expect(r.code, r.stderr).toBe(0);
  if (step !== null) expect(r.stderr).toMatch(new RegExp(`resuming from .*checkpoint\\.bin at step ${step} of`));
  const got = outputs(out);
  expect(got.edited).toBe(reference.edited);
  expect(got.metrics).toEqual(reference.metrics);
  expect(got.report).toEqual(reference.report);
  tally.resumesEqual++;
}

beforeAll(async () => {
  f = await makeFixture();
  const ref = join(f.dir, 'reference');
  expect((await cli(runArgs(f, ref))).code).toBe(0);
  reference = outputs(ref);
  input = join(f.dir, 'stream.safetensors');
  // deltas of 4 turns × [64, 32] float32: 32 KiB, more than the 16 KiB tmpfs below
  writeFileSync(input, encodeSafetensors(streamTensors([{ module: 'm.a', dIn: 64, dOut: 32 }], 3, 4, [5])));
  disk = mountSmallDisk(16 * 1024);
});

afterAll(() => {
  if (typeof disk !== 'string') disk.dispose();
  console.log(
    `${tally.summary('fault suite, a full disk')}; ${typeof disk === 'string' ? `tmpfs cases not run here (${disk}), injected cases run` : 'tmpfs and injected cases run'}`,
  );
});

const replay = (out: string, editor = 'stableedit') => replayArgs(input, out, editor);

describe('fault suite: a full disk', () => {
  it('injected: a checkpoint that does not fit leaves the previous one; the run stops saying so, and the rerun resumes from it', async () => {
    const out = join(f.dir, 'inj-checkpoint');
    const r = await onFullDisk('checkpoint.bin#3', runArgs(f, out));
    await fullDiskCase(r, NO_SPACE('checkpoint.bin'), out);
    expect(r.stderr).toMatch(
      /checkpoint .*checkpoint\.bin \(step 2 of 4\) is intact; fix the cause \(on a full disk: free space\), then resume .*\n {2}npx stableedit-lab run --model/,
    );
    expect(await checkpointStep(out)).toBe(2);
    await resumesEqual(out, 2);
  });

  it('injected: outputs that do not fit: none of them is written, the checkpoint is kept, the rerun finishes the run', async () => {
    const out = join(f.dir, 'inj-outputs');
    const r = await onFullDisk('edited.safetensors#1', runArgs(f, out));
    await fullDiskCase(r, NO_SPACE('edited.safetensors'), out);
    expect(['report.json', 'edited.safetensors', 'evaluations.jsonl'].filter((n) => existsSync(join(out, n)))).toEqual([]);
    expect(await checkpointStep(out)).toBe(3);
    await resumesEqual(out, 3);
  });

  it('injected: a metrics line that does not fit stops the run at once; the rerun resumes', async () => {
    const out = join(f.dir, 'inj-metrics');
    // The third turn's line (the file's third append) is cut short: checkpoints of steps 1 and 2 were written.
    const r = await onFullDisk('metrics.jsonl#3', runArgs(f, out));
    await fullDiskCase(r, /metrics\.jsonl: no space left on the device \(appending [\d,]+ bytes did not fit\)/, out);
    expect(r.stderr).toMatch(/checkpoint\.bin \(step 2 of 4\) is intact/);
    await resumesEqual(out, 2);
  });

  it('injected: replay and capture name the file and leave an earlier output as it was', async () => {
    const dir = join(f.dir, 'inj-replay');
    mkdirSync(dir);
    const out = join(dir, 'D.safetensors');
    expect((await cli(replay(out, 'ultraedit'))).code).toBe(0);
    const before = [sha256(out), sha256(join(dir, 'D.diagnostics.json'))];
    for (const at of ['D.diagnostics.json#1', 'D.safetensors#1']) {
      const r = await onFullDisk(at, replay(out));
      await fullDiskCase(r, NO_SPACE(at.split('#')[0]), dir);
      expect([sha256(out), sha256(join(dir, 'D.diagnostics.json'))]).toEqual(before);
    }
    const c = join(f.dir, 'inj-capture');
    mkdirSync(c);
    const capture = ['capture', '--model', f.model, '--data', f.data, '--modules', MODULE, '--n-edits', '4', '--sub-batch', '2'];
    const r = await onFullDisk('c.safetensors#1', [...capture, '--out', join(c, 'c.safetensors')]);
    await fullDiskCase(r, NO_SPACE('c.safetensors'), c);
    expect(existsSync(join(c, 'c.safetensors'))).toBe(false);
  });

  it('tmpfs: replay, capture and run on a small real file system; after it is enlarged the run resumes to the same outputs', async () => {
    if (typeof disk === 'string') {
      // Not a silent skip: the summary names why, and the injected cases above cover the same writer.
      console.log(`tmpfs: ${disk}`);
      expect(tally.clearErrors).toBeGreaterThanOrEqual(6);
      return;
    }
    const d = disk;
    const replayOut = join(d.dir, 'D.safetensors');
    await fullDiskCase(await cli(replay(replayOut)), /D\.safetensors: no space left on the device \(writing [\d,]+ bytes/, d.dir);
    expect(existsSync(replayOut)).toBe(false);

    d.resize(4096);
    const capture = ['capture', '--model', f.model, '--data', f.data, '--modules', MODULE, '--n-edits', '12', '--sub-batch', '4'];
    await fullDiskCase(
      await cli([...capture, '--out', join(d.dir, 'c.safetensors')]),
      /c\.safetensors: no space left on the device/,
      d.dir,
    );

    // Checkpoints fit in 48 KiB, edited.safetensors (68 KiB) does not.
    d.resize(48 * 1024);
    const out = join(d.dir, 'run');
    const r = await cli(runArgs(f, out));
    await fullDiskCase(r, new RegExp(`${out}/[\\w.]+: no space left on the device \\(writing [\\d,]+ bytes`), out);
    expect(r.stderr).toMatch(/is intact; fix the cause \(on a full disk: free space\), then resume from it with the same command/);
    d.resize(1024 * 1024);
    await resumesEqual(out, null);
  });
});
