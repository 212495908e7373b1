/**
 * The memory bound of a streamed run (docs/design.md §2, "records streamed"): on a 20K-record JSON
 * Lines stream the run's live heap (measured after full collections, in a child process) stays within
 * a few MB of a 2K-record run's — records, per-record scores and turn records are not held. The
 * model's passes are instant stand-ins (stream-memory-child.ts), so the test measures the run, not
 * the model; in-memory records and scores grew the same heap by 44 MB (measured: 16.4 → 60.7 MB).
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTinyCheckpoint } from '../engine/model/write-tiny';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function record(i: number) {
  return {
    src: `Where does person ${i} live?`,
    ans: `City${i % 7}`,
    rephrase: `Person ${i} lives in which city?`,
    loc: `who wrote book ${i}`,
    loc_ans: `Author${i % 5}`,
  };
}

describe('streamed run memory', () => {
  it('holds the live heap of a 20K-edit stream within 8 MB of a 2K-edit one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'se-stream-memory-'));
    const model = await writeTinyCheckpoint(join(dir, 'model'), {
      arch: 'llama',
      seed: 1,
      hidden: 16,
      layers: 2,
      heads: 2,
      maxPositions: 48,
    });
    const live = (n: number) => {
      const data = join(dir, `edits-${n}.jsonl`);
      writeFileSync(data, Array.from({ length: n }, (_, i) => JSON.stringify(record(i))).join('\n') + '\n');
      const args = ['--expose-gc', '--import', 'tsx', 'src/cli/stream-memory-child.ts', model, data, join(dir, `out-${n}`), 'streamed'];
      const out = JSON.parse(execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').at(-1)!);
      expect(out.edits).toBe(n);
      return out.liveHeapBytes as number;
    };
    const small = live(2_000);
    const large = live(20_000);
    expect((large - small) / 2 ** 20, `live heap ${small} → ${large} bytes`).toBeLessThan(8);
  }, 240_000);
});
