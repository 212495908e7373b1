/**
 * Fault suite, faults: two runs started on one --out; a chain of runs killed with SIGKILL at seeded
 * points (during checkpoint writes, between turns, during each output write, after the report),
 * each resumed by the same command, ending equal to an uninterrupted run (metrics lines, report and
 * edited.safetensors SHA-256); damaged and foreign checkpoints refused with the file named and the
 * checkpoint left as it was; a live lock refused, a stale one taken over.
 */
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeFile } from '../../engine/io/node-files';
import { encodeSafetensors } from '../../engine/safetensors/encode';
import { openSealedCheckpoint } from '../../engine/run/checkpoint-seal';
import { readSafetensorsHeader } from '../../engine/safetensors/header';
import { unpack } from '../../engine/util/pack';
import { Rng } from '../../engine/util/rng';
import { cli, hasStackTrace, makeFixture, runArgs, sha256, spawnCli, streamTensors, Tally, withFlag, type Fixture } from './harness';

const TURNS = 4;
// Child processes: ~6 s of CPU each (mostly onnxruntime start-up); far more wall time on a loaded machine.
const tally = new Tally();
let f: Fixture;

/** Run outputs without what depends on the clock. */
function normalize(value: unknown): unknown {
  const CLOCK = new Set(['wallMs', 'timings', 'timeMs', 'seconds', 'turnsPerSecond', 'editsPerSecond']);
  return JSON.parse(JSON.stringify(value), (k, v) => (CLOCK.has(k) ? undefined : v));
}

interface Outputs {
  metrics: unknown[];
  evaluations: unknown[];
  report: unknown;
  edited: string;
}

function outputs(dir: string): Outputs {
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
async function checkpointStep(dir: string): Promise<number | null> {
  const p = join(dir, 'checkpoint.bin');
  if (!existsSync(p)) return null;
  const { payload } = await openSealedCheckpoint(new Uint8Array(readFileSync(p)), p);
  return unpack<{ nextStep: number }>(payload).nextStep;
}

let reference: Outputs;

beforeAll(async () => {
  f = await makeFixture();
});

afterAll(() => {
  console.log(tally.summary('fault suite, kills and checkpoints'));
});

describe('fault suite: kills, resumes, locks and checkpoints', () => {
  it('two runs started on one --out: one runs to the end, the other is refused; metrics have no interleaving', async () => {
    const out = join(f.dir, 'reference');
    const [a, b] = await Promise.all([spawnCli(runArgs(f, out)), spawnCli(runArgs(f, out))]);
    tally.tried++;
    const codes = [a.code, b.code].sort();
    expect(codes, a.stderr + b.stderr).toEqual([0, 1]);
    const loser = a.code === 1 ? a : b;
    // Refused while the other holds the lock, or (if it started late) because the run had finished.
    expect(loser.stderr).toMatch(/is in use by another run \(process \d+|holds a finished run/);
    expect(hasStackTrace(a.stderr + b.stderr)).toBe(false);
    tally.clearErrors++;
    reference = outputs(out);
    expect(reference.metrics.map((m) => (m as { step: number }).step)).toEqual([0, 1, 2, 3]);
    expect(readdirSync(out).sort()).toEqual(['edited.safetensors', 'evaluations.jsonl', 'metrics.jsonl', 'report.json']);
  }, 300_000);

  it('SIGKILL at seeded points (checkpoint writes, between turns, output writes): every resume ends equal to the uninterrupted run', async () => {
    const out = join(f.dir, 'killed');
    const rng = new Rng(7);
    // Kill points in the order a run passes them; occurrence numbers count from the resumed step.
    const chain: ((s: number) => string)[] = [
      (s) => `partial:checkpoint.bin#${1 + rng.int(TURNS - 1 - s)}`,
      () => `appended:metrics.jsonl#1`,
      (s) => `renamed:checkpoint.bin#${1 + rng.int(Math.max(1, TURNS - 1 - s))}`,
      () => ['partial:metrics.jsonl#2', 'partial:edited.safetensors#1'][rng.int(2)],
      () => ['renamed:edited.safetensors#1', 'partial:report.json#1'][rng.int(2)],
      () => ['renamed:report.json#1', 'removed:checkpoint.bin#1'][rng.int(2)],
    ];
    const log: string[] = [];
    let snapshotTaken = false;
    for (const point of chain) {
      const before = await checkpointStep(out);
      const s = before ?? 0;
      // A checkpoint is written after steps 1..TURNS-1; past the last one, skip checkpoint kill points.
      const at = point(s);
      if (at.includes('checkpoint.bin#') && !at.startsWith('removed') && s >= TURNS - 1) continue;
      const r = await spawnCli(runArgs(f, out), { STABLEEDIT_KILL_AT: at });
      tally.tried++;
      log.push(`${at} (from step ${s}): ${r.signal ?? r.code}`);
      expect(r.signal, `${at}: ${r.stderr}`).toBe('SIGKILL');
      if (before !== null) {
        tally.resumes++;
        if (!r.stderr.includes(`at step ${before} of`)) tally.lostWork++;
      }
      // After any kill: no partial file under a final name, the checkpoint intact, metrics a prefix of the reference.
      const after = await checkpointStep(out).catch(() => {
        tally.corruptOutputs++;
        return null;
      });
      if (before !== null && after !== null && after < before) tally.lostWork++;
      if (existsSync(join(out, 'report.json')))
        expect(sha256(join(out, 'edited.safetensors')), 'report.json without edited.safetensors').toBe(reference.edited);
      if (existsSync(join(out, 'edited.safetensors'))) await readSafetensorsHeader(nodeFile(join(out, 'edited.safetensors')));
      if (existsSync(join(out, 'metrics.jsonl'))) {
        const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean);
        expect(lines.map((l) => normalize(JSON.parse(l)))).toEqual(reference.metrics.slice(0, lines.length));
      }
      if (!snapshotTaken && after !== null) {
        cpSync(out, join(f.dir, 'with-checkpoint'), { recursive: true });
        snapshotTaken = true;
      }
    }
    // The same command once more: it finishes the run, or says the run has finished.
    const last = await spawnCli(runArgs(f, out));
    tally.tried++;
    const finishedEarlier = last.code === 1 && /holds a finished run/.test(last.stderr);
    expect(last.code === 0 || finishedEarlier, last.stderr).toBe(true);
    const got = outputs(out);
    expect(got.edited).toBe(reference.edited);
    expect(got.metrics).toEqual(reference.metrics);
    expect(got.report).toEqual(reference.report);
    expect(existsSync(join(out, 'checkpoint.bin'))).toBe(false);
    tally.resumesEqual = tally.resumes;
    console.log(`kill chain: ${log.join('; ')}`);
    expect(tally.lostWork).toBe(0);
    expect(tally.corruptOutputs).toBe(0);
    expect(snapshotTaken).toBe(true);
  }, 600_000);

  it('SIGKILL during the final evaluation: the resume starts at the chunk it reached and ends equal to the uninterrupted run', async () => {
    // 12 edited records in chunks of 4: the final evaluation checkpoints after records 4 and 8.
    const args = (out: string) => runArgs(f, out, ['--eval-chunk', '4']);
    const refOut = join(f.dir, 'final-reference');
    const ref = await spawnCli(args(refOut));
    tally.tried++;
    expect(ref.code, ref.stderr).toBe(0);
    expect(ref.stderr).toMatch(/final evaluation \[#+\.*\] 12\/12 .*ETA/);
    const out = join(f.dir, 'final-killed');
    // Checkpoints 1–3 follow turns 1–3; the 4th is the final evaluation's first chunk.
    const first = await spawnCli(args(out), { STABLEEDIT_KILL_AT: 'renamed:checkpoint.bin#4' });
    const second = await spawnCli(args(out), { STABLEEDIT_KILL_AT: 'renamed:checkpoint.bin#1' });
    const last = await spawnCli(args(out));
    tally.tried += 3;
    tally.resumes += 2;
    expect([first.signal, second.signal, last.code], last.stderr).toEqual(['SIGKILL', 'SIGKILL', 0]);
    expect(second.stderr).toContain('resuming the final evaluation at record 4 of 12');
    expect(last.stderr).toContain('resuming the final evaluation at record 8 of 12');
    expect(last.stderr).not.toMatch(/final evaluation \[[#.]+\] 4\/12/);
    const got = outputs(out);
    const want = outputs(refOut);
    expect(got).toEqual(want);
    expect(existsSync(join(out, 'checkpoint.bin'))).toBe(false);
    tally.resumesEqual += 2;
  }, 300_000);

  it('a damaged or foreign checkpoint is refused, named, with the way on; it is left as it was', async () => {
    const src = join(f.dir, 'with-checkpoint');
    const ckpt = readFileSync(join(src, 'checkpoint.bin'));
    let n = 0;
    const fresh = (bytes?: Uint8Array) => {
      const dir = join(f.dir, `ck-${n++}`);
      cpSync(src, dir, { recursive: true });
      if (bytes) writeFileSync(join(dir, 'checkpoint.bin'), bytes);
      return dir;
    };
    const rng = new Rng(3);
    const flipped = Uint8Array.from(ckpt);
    for (let k = 0; k < 2; k++) flipped[64 + rng.int(flipped.length - 64)] ^= 1 << rng.int(8);
    const otherData = join(f.dir, 'data-other.json');
    writeFileSync(otherData, readFileSync(f.data, 'utf8').replace('City3', 'City9'));
    const otherModel = join(f.dir, 'model-other');
    cpSync(f.model, otherModel, { recursive: true });
    const st = readFileSync(join(otherModel, 'model.safetensors'));
    st[st.length - 3] ^= 1;
    writeFileSync(join(otherModel, 'model.safetensors'), st);

    const cases: { name: string; bytes?: Uint8Array; extra?: string[]; names: RegExp }[] = [
      { name: 'empty', bytes: new Uint8Array(0), names: /checkpoint\.bin: is damaged \(0 bytes.*--restart/ },
      { name: '10 bytes', bytes: ckpt.subarray(0, 10), names: /checkpoint\.bin: is damaged.*--restart/ },
      { name: 'half', bytes: ckpt.subarray(0, ckpt.length >> 1), names: /checkpoint\.bin: is damaged.*truncated or altered.*--restart/ },
      {
        name: 'random bytes',
        bytes: Uint8Array.from({ length: 2000 }, () => rng.int(256)),
        names: /checkpoint\.bin: is damaged.*--restart/,
      },
      { name: 'two bits flipped', bytes: flipped, names: /checkpoint\.bin: is damaged.*SHA-256.*--restart/ },
      {
        name: 'another --shuffle',
        extra: ['--shuffle', '5'],
        names: /checkpoint\.bin: belongs to another run; what differs: shuffle: none in the checkpoint, 5 now.*--restart/,
      },
      {
        name: 'another --lr',
        extra: ['--lr', '2e-2'],
        names: /belongs to another run; what differs: lr: 0\.01 in the checkpoint, 0\.02 now/,
      },
      {
        name: 'another --data',
        extra: ['--data', otherData],
        names: /belongs to another run; what differs: data: SHA-256 [0-9a-f]{12}… in the checkpoint, SHA-256/,
      },
      { name: 'another --model', extra: ['--model', otherModel], names: /belongs to another run; what differs: model: SHA-256/ },
      {
        name: 'another --on-invalid',
        extra: ['--on-invalid', 'skip'],
        names: /what differs: on-invalid: stop in the checkpoint, skip now/,
      },
    ];
    const failures: string[] = [];
    for (const c of cases) {
      const dir = fresh(c.bytes);
      const before = sha256(join(dir, 'checkpoint.bin'));
      const argv = c.extra ? withFlag(runArgs(f, dir), c.extra[0].slice(2), c.extra[1]) : runArgs(f, dir);
      const r = await cli(argv);
      tally.tried++;
      const stack = hasStackTrace(r.stderr);
      if (stack) tally.stackTraces++;
      if (r.code === 0) tally.silentAcceptances++;
      const kept = existsSync(join(dir, 'checkpoint.bin')) && sha256(join(dir, 'checkpoint.bin')) === before;
      if (!kept) tally.lostWork++;
      const left = ['report.json', 'edited.safetensors'].filter((x) => existsSync(join(dir, x)));
      if (left.length) tally.corruptOutputs++;
      if (r.code === 1 && c.names.test(r.stderr) && !stack) tally.clearErrors++;
      else failures.push(`${c.name}: exit ${r.code}: ${r.stderr.slice(0, 500)}`);
      if (!kept || left.length) failures.push(`${c.name}: checkpoint kept ${kept}, left ${left}`);
    }
    expect(failures).toEqual([]);
  });

  it('replay killed while writing its outputs leaves nothing under their names; the rerun writes what an uninterrupted one does', async () => {
    const input = join(f.dir, 'stream.safetensors');
    writeFileSync(input, encodeSafetensors(streamTensors([{ module: 'm.a', dIn: 9, dOut: 4 }], 11, 3, [3, 2])));
    const argv = (out: string) => ['replay', '--in', input, '--editor', 'stableedit', '--lr', '0.1', '--ridge', '10', '--out', out];
    const ref = join(f.dir, 'ref.safetensors');
    expect((await cli(argv(ref))).code).toBe(0);
    const out = join(f.dir, 'D.safetensors');
    for (const at of ['partial:D.diagnostics.json#1', 'renamed:D.diagnostics.json#1', 'partial:D.safetensors#1']) {
      const r = await spawnCli(argv(out), { STABLEEDIT_KILL_AT: at });
      tally.tried++;
      expect(r.signal, `${at}: ${r.stderr}`).toBe('SIGKILL');
      if (existsSync(out)) tally.corruptOutputs++;
    }
    const r = await spawnCli(argv(out));
    tally.tried++;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/taking over the lock .*D\.safetensors\.lock left by process \d+/);
    expect(sha256(out)).toBe(sha256(ref));
    expect(readFileSync(join(f.dir, 'D.diagnostics.json'), 'utf8').length).toBeGreaterThan(100);
    expect(readdirSync(f.dir).filter((n) => /^\.D\..*\.tmp$/.test(n))).toEqual([]);
    expect(tally.corruptOutputs).toBe(0);
  });

  it('a live lock is refused; a stale one is taken over; --restart replaces a foreign run and a finished run is then refused', async () => {
    const src = join(f.dir, 'with-checkpoint');
    const live = join(f.dir, 'lock-live');
    cpSync(src, live, { recursive: true });
    writeFileSync(join(live, '.lock'), `${process.ppid}\n`);
    const r1 = await cli(runArgs(f, live));
    tally.tried++;
    expect(r1.code).toBe(1);
    expect(r1.stderr).toMatch(new RegExp(`--out .*lock-live: is in use by another run \\(process ${process.ppid}`));
    expect(readFileSync(join(live, '.lock'), 'utf8').trim()).toBe(String(process.ppid));
    tally.clearErrors++;

    const stale = join(f.dir, 'lock-stale');
    cpSync(src, stale, { recursive: true });
    // A PID far above any in use on this machine stands for a process that is gone.
    writeFileSync(join(stale, '.lock'), '4194000\n');
    const r2 = await cli([...withFlag(runArgs(f, stale), 'lr', '2e-2'), '--restart']);
    tally.tried++;
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.stderr).toMatch(/taking over the lock .*left by process 4194000, which is no longer running/);
    expect(existsSync(join(stale, '.lock'))).toBe(false);
    expect(existsSync(join(stale, 'checkpoint.bin'))).toBe(false);
    tally.warnedAndRan++;

    const r3 = await cli(runArgs(f, stale));
    tally.tried++;
    expect(r3.code).toBe(1);
    expect(r3.stderr).toMatch(/lock-stale: holds a finished run \(report\.json\); pass --restart/);
    tally.clearErrors++;
  });
});
