/**
 * Fault suite, signals (docs/design.md §5, "Stopping"): a run stopped by SIGINT, SIGTERM, SIGHUP and a
 * double Ctrl-C, each resumed by the command it printed, ends equal to an uninterrupted run. Each
 * child sends itself the signal at a seeded point (STABLEEDIT_KILL_AT "<point>#<n>=SIGINT",
 * cli/kill-points.ts): the same delivery as a terminal's Ctrl-C, at a known turn. replay and capture,
 * which have no safe point, exit at once with the status and release their lock.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSafetensors } from '../../engine/safetensors/encode';
import { writeFileSync } from 'node:fs';
import {
  checkpointStep,
  cli,
  hasStackTrace,
  makeFixture,
  outputs,
  runArgs,
  spawnCli,
  streamTensors,
  Tally,
  withFlag,
  type Fixture,
} from './harness';

const tally = new Tally();
let f: Fixture;

beforeAll(async () => {
  f = await makeFixture();
});

afterAll(() => {
  console.log(tally.summary('fault suite, signals'));
});

/** The argv of the resume command a stopped run printed ("npx stableedit-lab run …"; the suite's paths need no quoting). */
function resumeCommand(stderr: string): string[] {
  const m = /to resume:\n {2}npx stableedit-lab (.+)\n/.exec(stderr) ?? /\n {2}npx stableedit-lab (.+)\n/.exec(stderr);
  expect(m, stderr).not.toBeNull();
  return m![1].split(' ');
}

describe('fault suite: signals', () => {
  it('SIGINT, SIGTERM, SIGHUP and a double Ctrl-C stop a run at a safe point, release the lock, and it resumes to the uninterrupted run', async () => {
    // 6 turns of 3 edits, a checkpoint every 2 turns: a stop between checkpoints saves its own.
    const args = (out: string) => withFlag(withFlag(runArgs(f, out), 'turns', '6'), 'checkpoint-every', '2');
    const ref = join(f.dir, 'reference');
    expect((await cli(args(ref))).code).toBe(0);
    const reference = outputs(ref);

    const out = join(f.dir, 'stopped');
    let argv = [...args(out), '--restart'];
    const stops: { at: string; signal: string; code: number; step: number | null }[] = [
      { at: 'appended:metrics.jsonl#1=SIGINT', signal: 'SIGINT', code: 130, step: 1 },
      { at: 'appended:metrics.jsonl#1=SIGTERM', signal: 'SIGTERM', code: 143, step: 2 },
      { at: 'appended:metrics.jsonl#2=SIGHUP', signal: 'SIGHUP', code: 129, step: 4 },
      // Ctrl-C twice: the second, half-way through the checkpoint the stop writes, quits at once.
      { at: 'appended:metrics.jsonl#1=SIGINT,partial:checkpoint.bin#1=SIGINT', signal: 'SIGINT', code: 130, step: null },
    ];
    let last = 0;
    for (const s of stops) {
      const r = await spawnCli(argv, { STABLEEDIT_KILL_AT: s.at });
      tally.tried++;
      if (hasStackTrace(r.stderr)) tally.stackTraces++;
      expect(r.code, `${s.at}: ${r.stderr}`).toBe(s.code);
      expect(existsSync(join(out, '.lock')), 'the lock is released').toBe(false);
      expect(readdirSync(out).filter((n) => n.endsWith('.tmp') && s.step !== null)).toEqual([]);
      const at = await checkpointStep(out);
      if (s.step !== null) {
        expect(r.stderr).toMatch(
          new RegExp(`stopped by ${s.signal} after step ${s.step} of 6 .*the checkpoint .*checkpoint\\.bin holds it\\.\\nto resume:`),
        );
        expect(at).toBe(s.step);
        argv = resumeCommand(r.stderr);
        // The printed command resumes: it never carries --restart.
        expect(argv).not.toContain('--restart');
      } else {
        expect(r.stderr).toMatch(/SIGINT received: quitting at once; no output is left half-written \(the last checkpoint stands/);
        // The force-quit lost the checkpoint it was writing, not the one before.
        expect(at).toBe(last);
      }
      if (at !== null && at < last) tally.lostWork++;
      last = at ?? last;
      tally.clearErrors++;
    }
    const r = await spawnCli(argv);
    tally.tried++;
    tally.resumes++;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`resuming from .*checkpoint\\.bin at step ${last} of 6`));
    const got = outputs(out);
    expect(got.edited).toBe(reference.edited);
    expect(got.metrics).toEqual(reference.metrics);
    expect(got.report).toEqual(reference.report);
    tally.resumesEqual++;
    expect(tally.lostWork).toBe(0);
  }, 300_000);

  it('replay interrupted exits 130 at once, releases its lock and leaves nothing under its names', async () => {
    const input = join(f.dir, 'stream.safetensors');
    writeFileSync(input, encodeSafetensors(streamTensors([{ module: 'm.a', dIn: 9, dOut: 4 }], 11, 3, [3, 2])));
    const out = join(f.dir, 'R.safetensors');
    const argv = ['replay', '--in', input, '--editor', 'stableedit', '--lr', '0.1', '--ridge', '10', '--out', out];
    const r = await spawnCli(argv, { STABLEEDIT_KILL_AT: 'partial:R.safetensors#1=SIGINT' });
    tally.tried++;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/SIGINT received: quitting at once; no output is left half-written/);
    expect(existsSync(`${out}.lock`)).toBe(false);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(f.dir, 'R.diagnostics.json'))).toBe(false);
    tally.clearErrors++;
  });
});
