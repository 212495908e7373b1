/**
 * Fault suite, faults: two runs started on one --out; a chain of runs killed with SIGKILL at seeded
 * points (during checkpoint writes, between turns, during each output write, after the report),
 * each resumed by the same command, ending equal to an uninterrupted run (metrics lines, report and
 * edited.safetensors SHA-256); damaged and foreign checkpoints refused with the file named and the
 * checkpoint left as it was; a live lock refused, a stale one taken over.
 */
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeFile } from '../../engine/io/node-files';
import { encodeSafetensors } from '../../engine/safetensors/encode';
import { readSafetensorsHeader } from '../../engine/safetensors/header';
import { Rng } from '../../engine/util/rng';
import {
  checkpointStep,
  cli,
  hasStackTrace,
  makeFixture,
  normalize,
  outputs,
  replayArgs,
  runArgs,
  sha256,
  spawnCli,
  streamTensors,
  Tally,
  withFlag,
  type Fixture,
  type Outputs,
} from './harness';

const TURNS = 4;
// Child processes: ~6 s of CPU each (mostly onnxruntime start-up); far more wall time on a loaded machine.
const tally = new Tally();
let f: Fixture;

let reference: Outputs;

/** A process's start time as /proc/<pid>/stat has it (field 22), as the lab's lock records it. */
function startTime(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

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
    // The fixture's data is a JSON array, so the run streams it and writes its per-record scores beside the outputs.
    expect(readdirSync(out).sort()).toEqual([
      'edited.safetensors',
      'evaluations.jsonl',
      'final-scores.jsonl',
      'metrics.jsonl',
      'pre-edit-scores.jsonl',
      'report.json',
    ]);
  }, 300_000);

  it('a finished run whose report.json was deleted is not overwritten by a rerun with other settings', async () => {
    const dir = join(f.dir, 'earlier');
    cpSync(join(f.dir, 'reference'), dir, { recursive: true });
    rmSync(join(dir, 'report.json'));
    const before = readdirSync(dir).map((n) => `${n} ${sha256(join(dir, n))}`);
    const r = await cli(withFlag(runArgs(f, dir), 'lr', '2e-2'));
    tally.tried++;
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(
      /--out .*earlier: holds an earlier run's results \(edited\.safetensors, evaluations\.jsonl\) without its report\.json; pass --restart to replace them/,
    );
    expect(readdirSync(dir).map((n) => `${n} ${sha256(join(dir, n))}`)).toEqual(before);
    tally.clearErrors++;
  });

  it('SIGKILL at seeded points (checkpoint writes, between turns, output writes): every resume ends equal to the uninterrupted run', async () => {
    const out = join(f.dir, 'killed');
    const rng = new Rng(7);
    // Kill points in the order a run passes them; occurrence numbers count from the resumed step.
    const chain: ((s: number) => string)[] = [
      (s) => `partial:checkpoint.bin#${1 + rng.int(TURNS - 1 - s)}`,
      () => `appended:metrics.jsonl#1`,
      (s) => `renamed:checkpoint.bin#${1 + rng.int(Math.max(1, TURNS - 1 - s))}`,
      // The outputs' commit (engine/io/commit-together.ts): before its journal is written, the old files
      // stand; after it, the next command finishes the renames.
      () => ['partial:metrics.jsonl#2', 'partial:edited.safetensors#1', 'partial:report.json#1'][rng.int(3)],
      () => ['renamed:.outputs.commit#1', 'renamed:metrics.jsonl#2', 'renamed:edited.safetensors#1'][rng.int(3)],
      () => ['renamed:report.json#1', 'removed:checkpoint.bin#1'][rng.int(2)],
    ];
    const log: string[] = [];
    let snapshotTaken = false;
    for (const point of chain) {
      // A committed run (its journal written) has nothing left to kill: the next command finishes it.
      if (existsSync(join(out, 'report.json')) || existsSync(join(out, '.outputs.commit'))) continue;
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
      // Outputs together or not at all: a report only beside its own edited weights and evaluations,
      // unless a commit journal is there for the next command to finish.
      if (existsSync(join(out, 'report.json')) && !existsSync(join(out, '.outputs.commit'))) {
        expect(sha256(join(out, 'edited.safetensors')), 'report.json without edited.safetensors').toBe(reference.edited);
        expect(outputs(out).evaluations.map(normalize)).toEqual(reference.evaluations.map(normalize));
      }
      if (!existsSync(join(out, '.outputs.commit')))
        expect(
          ['edited.safetensors', 'evaluations.jsonl'].filter((n) => existsSync(join(out, n))).length % 2,
          `${at}: half the outputs`,
        ).toBe(0);
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
    expect(ref.stderr).toMatch(/scoring every edit after the last turn \(records\) \[#+\.*\] 12\/12 .*ETA/);
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
    expect(last.stderr).not.toMatch(/scoring every edit after the last turn \(records\) \[[#.]+\] 4\/12/);
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

  it('replay into a folder that holds another replay, killed at every point of its writes: deltas and diagnostics always of one run', async () => {
    const input = join(f.dir, 'stream.safetensors');
    writeFileSync(input, encodeSafetensors(streamTensors([{ module: 'm.a', dIn: 9, dOut: 4 }], 11, 3, [3, 2])));
    const argv = (out: string, editor: string, lr: string) => replayArgs(input, out, editor, lr);
    const ultra = (out: string) => argv(out, 'ultraedit', '0.1');
    const stable = (out: string) => argv(out, 'stableedit', '0.05');
    const refs = { ultraedit: join(f.dir, 'ref-u.safetensors'), stableedit: join(f.dir, 'ref-s.safetensors') };
    expect((await cli(ultra(refs.ultraedit))).code).toBe(0);
    expect((await cli(stable(refs.stableedit))).code).toBe(0);
    const out = join(f.dir, 'D.safetensors');
    const diag = join(f.dir, 'D.diagnostics.json');
    const journal = join(f.dir, '.D.safetensors.commit');
    expect((await cli(ultra(out))).code).toBe(0);
    /** The pair on disk: one run's deltas with that run's diagnostics (they name the deltas' SHA-256). */
    const pairOf = () => {
      const d = JSON.parse(readFileSync(diag, 'utf8')) as { editor: 'ultraedit' | 'stableedit'; lr: number; deltasSha256: string };
      const sha = sha256(out);
      return { editor: d.editor, together: d.deltasSha256 === sha && sha === sha256(refs[d.editor]) };
    };
    // Every point of a replay's commit: the two temporaries, the journal (the commit point), the two renames.
    const points = ['partial:D.diagnostics.json#1', 'partial:D.safetensors#1', 'partial:.D.safetensors.commit#1'];
    const committed = ['renamed:.D.safetensors.commit#1', 'renamed:D.diagnostics.json#1'];
    let expected: 'ultraedit' | 'stableedit' = 'ultraedit';
    let k = 0;
    for (const at of [...points, ...committed]) {
      const editor: 'ultraedit' | 'stableedit' = expected === 'ultraedit' ? 'stableedit' : 'ultraedit';
      const r = await spawnCli(editor === 'stableedit' ? stable(out) : ultra(out), { STABLEEDIT_KILL_AT: at });
      tally.tried++;
      expect(r.signal, `${at}: ${r.stderr}`).toBe('SIGKILL');
      // Killed after its commit point, the run's files are the new ones once the next command has started.
      if (committed.includes(at)) {
        expect(existsSync(journal), at).toBe(true);
        expected = editor;
      }
      // Whatever runs next on this output (here: a replay killed before it commits) finishes that commit first.
      if (existsSync(journal)) {
        const next = await spawnCli(ultra(out), { STABLEEDIT_KILL_AT: 'partial:D.diagnostics.json#1' });
        tally.tried++;
        expect(next.signal).toBe('SIGKILL');
      }
      const pair = pairOf();
      if (!pair.together || pair.editor !== expected) tally.corruptOutputs++;
      expect(pair, `after ${at} (#${k++})`).toEqual({ editor: expected, together: true });
    }
    const r = await spawnCli(stable(out));
    tally.tried++;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/taking over the lock .*D\.safetensors\.lock left by process \d+/);
    expect(pairOf()).toEqual({ editor: 'stableedit', together: true });
    expect(readdirSync(f.dir).filter((n) => /^\.D\..*(\.tmp|\.commit)$/.test(n))).toEqual([]);
    expect(tally.corruptOutputs).toBe(0);
  });

  it('a live lock is refused; a stale one is taken over; --restart replaces a foreign run and a finished run is then refused', async () => {
    const src = join(f.dir, 'with-checkpoint');
    const live = join(f.dir, 'lock-live');
    cpSync(src, live, { recursive: true });
    // A lock as a live run writes it: its PID and that process's start time (here: this test's parent).
    const lockText = `${process.ppid} ${startTime(process.ppid)}\n`;
    writeFileSync(join(live, '.lock'), lockText);
    const r1 = await cli(runArgs(f, live));
    tally.tried++;
    expect(r1.code).toBe(1);
    expect(r1.stderr).toMatch(
      new RegExp(
        `--out .*lock-live: is in use by another run \\(process ${process.ppid}.*kill -INT ${process.ppid}.*If process ${process.ppid} is not a stableedit-lab run, delete`,
      ),
    );
    expect(readFileSync(join(live, '.lock'), 'utf8')).toBe(lockText);
    tally.clearErrors++;

    // A live PID that is not the run that took the lock (the PID was reused): taken over, saying why.
    for (const [text, why] of [
      [`${process.ppid} 1\n`, 'it started after the lock was taken'],
      [`${process.ppid}\n`, 'it is not a stableedit-lab run'],
    ]) {
      const reused = join(f.dir, `lock-reused-${why.length}`);
      cpSync(src, reused, { recursive: true });
      writeFileSync(join(reused, '.lock'), text);
      const r = await cli(runArgs(f, reused));
      tally.tried++;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(
        new RegExp(`taking over the lock .*left by process ${process.ppid}, process ${process.ppid} is running, but ${why}`),
      );
      expect(existsSync(join(reused, '.lock'))).toBe(false);
      tally.warnedAndRan++;
    }

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
