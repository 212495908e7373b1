/**
 * A streamed run (a JSON Lines or JSON array --data, docs/design.md §2, "records streamed"): the same
 * numbers as the same records read into memory (--in-memory), per-record scores on disk, and a kill
 * during the turns or during the final evaluation resumes to the outputs of an uninterrupted run —
 * per-record files and metrics.jsonl included.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeFixture, normalize, outputs, runArgs, sha256, spawnCli, withFlag, type Fixture } from '../faults/harness';

let f: Fixture;
beforeAll(async () => {
  f = await makeFixture();
});

/** Five turns of 3 edits on the fixture's 24 records, the final evaluation in chunks of 4. */
const args = (data: string, out: string) => withFlag(withFlag(runArgs(f, out, ['--eval-chunk', '4']), 'data', data), 'turns', '5');

const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => normalize(JSON.parse(l)));

describe('streamed run (JSON Lines or JSON array --data)', () => {
  it('gives the in-memory run’s numbers, writes per-record scores, and resumes from kills in turns and final evaluation', async () => {
    const memory = join(f.dir, 'memory');
    const streamed = join(f.dir, 'streamed');
    const array = join(f.dir, 'streamed-array');
    const runs = await Promise.all([
      spawnCli([...args(f.data, memory), '--in-memory']),
      spawnCli(args(f.dataJsonl, streamed)),
      spawnCli(args(f.data, array)),
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const ref = outputs(streamed);
    // the same numbers; only the data file's SHA-256 differs (the same records, JSON array vs JSON Lines)
    const withoutData = (o: ReturnType<typeof outputs>) => ({ ...o, report: { ...(o.report as object), fingerprint: undefined } });
    expect(withoutData(ref)).toEqual(withoutData(outputs(memory)));
    expect(outputs(array)).toEqual(outputs(memory));
    expect(existsSync(join(memory, 'final-scores.jsonl'))).toBe(false);
    for (const name of ['final-scores.jsonl', 'pre-edit-scores.jsonl'])
      expect(sha256(join(array, name)), `${name} of the JSON array`).toBe(sha256(join(streamed, name)));
    const finalScores = lines(join(streamed, 'final-scores.jsonl')) as { index: number; efficacy: { predicted: number[] } }[];
    expect(finalScores.map((r) => r.index)).toEqual([...Array(15).keys()]);
    expect(finalScores[0].efficacy.predicted.length).toBeGreaterThan(0);
    expect(lines(join(streamed, 'pre-edit-scores.jsonl'))).toHaveLength(15);

    // Killed after the second turn's line, then after the second chunk of the final evaluation.
    const killed = join(f.dir, 'killed');
    for (const at of ['appended:metrics.jsonl#2', 'appended:final-scores.jsonl#2']) {
      const r = await spawnCli(args(f.dataJsonl, killed), { STABLEEDIT_KILL_AT: at });
      expect(r.signal, `${at}: ${r.stderr}`).toBe('SIGKILL');
    }
    const r = await spawnCli(args(f.dataJsonl, killed));
    expect(r.code, r.stderr).toBe(0);
    // the second chunk's lines were on disk, its checkpoint not yet: final-scores.jsonl is cut back to the first chunk
    expect(r.stderr).toMatch(/resuming the final evaluation at record 4 of 15/);
    expect(outputs(killed)).toEqual(ref);
    for (const name of ['final-scores.jsonl', 'pre-edit-scores.jsonl'])
      expect(sha256(join(killed, name)), name).toBe(sha256(join(streamed, name)));
  }, 240_000);

  it('MEMIT streams too: its subject check reads the stream in chunks, and a record without one is refused before any work', async () => {
    const recs = Array.from({ length: 9 }, (_, i) => ({
      src: `Where does person ${i} live?`,
      ans: `City${i}`,
      loc: `who wrote book ${i}`,
      loc_ans: 'A',
      subject: `person ${i}`,
    }));
    const jsonl = join(f.dir, 'subjects.jsonl');
    const json = join(f.dir, 'subjects.json');
    writeFileSync(jsonl, recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
    writeFileSync(json, JSON.stringify(recs));
    const corpus = join(f.dir, 'corpus.txt');
    writeFileSync(corpus, 'The river runs past the town.\nA city has many streets.\n');
    const memit = (data: string, out: string) => [
      ...withFlag(withFlag(withFlag(runArgs(f, out), 'data', data), 'editor', 'memit'), 'turns', '3'),
      '--stats-corpus',
      corpus,
      '--stats-cache',
      join(f.dir, 'memit-stats'),
      '--v-steps',
      '3',
    ];
    const [streamed, memory] = [join(f.dir, 'memit-streamed'), join(f.dir, 'memit-memory')];
    const runs = await Promise.all([spawnCli(memit(jsonl, streamed)), spawnCli([...memit(json, memory), '--in-memory'])]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const withoutData = (o: ReturnType<typeof outputs>) => ({ ...o, report: { ...(o.report as object), fingerprint: undefined } });
    expect(withoutData(outputs(streamed))).toEqual(withoutData(outputs(memory)));
    expect(lines(join(streamed, 'final-scores.jsonl'))).toHaveLength(9);

    // record 7 loses its subject: found by the chunked check before the first turn, nothing written
    const broken = recs.map((r, i) => (i === 7 ? { ...r, subject: undefined } : r));
    const bad = join(f.dir, 'no-subject.jsonl');
    writeFileSync(bad, broken.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const out = join(f.dir, 'memit-refused');
    const r = await spawnCli(memit(bad, out));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--data .*no-subject\.jsonl: record 7: has no subject/);
    expect(existsSync(join(out, 'metrics.jsonl'))).toBe(false);
  }, 240_000);
});
