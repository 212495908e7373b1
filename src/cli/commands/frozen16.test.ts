/**
 * `run --frozen16` (cli/load.ts, docs/design.md §4): a BF16 checkpoint's frozen tensors held in 16
 * bits give the same run as held in fp32 — every metric, every evaluation and the edited checkpoint's
 * bytes — since the widening in the graphs is exact.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTinyCheckpoint } from '../../engine/model/write-tiny';
import { quiet } from '../faults/harness';
import { run } from './run';

/** A run's JSON (lines, or one document) without its timings (wall-clock milliseconds differ run to run). */
function numbers(text: string): unknown[] {
  const strip = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(strip)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .filter(([k]) => !/^(timings|seconds)$|PerSecond$|Ms$|Seconds$|^eta/.test(k))
              .map(([k, x]) => [k, strip(x)]),
          )
        : v;
  const t = text.trim();
  return t.includes('\n{') ? t.split('\n').map((l) => strip(JSON.parse(l))) : [strip(JSON.parse(t))];
}

describe('run --frozen16', () => {
  it('gives the same metrics, evaluations and edited checkpoint as fp32 on a BF16 model', async () => {
    const model = await writeTinyCheckpoint(await mkdtemp(join(tmpdir(), 'se-f16-model-')), { arch: 'llama', seed: 61, dtype: 'BF16' });
    const outs: string[] = [];
    for (const extra of [[], ['--frozen16']]) {
      const out = await mkdtemp(join(tmpdir(), 'se-f16-run-'));
      const argv = [
        ...['--model', model, '--data', 'public/demo/data/edits.eval.json', '--editor', 'stableedit'],
        ...['--modules', 'model.layers.1.mlp.down_proj', '--n-edits', '8', '--sub-batch', '4', '--turns', '2'],
        ...['--lr', '1e-2', '--ridge', '1', '--out', out, ...extra],
      ];
      const { value } = await quiet(() => run(argv));
      expect(value).toBe(0);
      outs.push(out);
    }
    const [a, b] = outs;
    for (const f of ['metrics.jsonl', 'evaluations.jsonl', 'report.json'])
      expect(numbers(await readFile(join(b, f), 'utf8')), f).toEqual(numbers(await readFile(join(a, f), 'utf8')));
    expect(Buffer.compare(await readFile(join(b, 'edited.safetensors')), await readFile(join(a, 'edited.safetensors')))).toBe(0);
  });
});
