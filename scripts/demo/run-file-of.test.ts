import { describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/commands/run';
import { quiet } from '../../src/cli/faults/harness';
import { parseRunFileText, runFileJson } from '../../src/ui/runs/run-file';
import { runFileOf } from './run-file-of';

describe('a CLI run as a run file of the page', () => {
  it("the page's importer reads it with every turn and evaluation of the run", async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'se-runfile-')), 'stableedit-demo');
    const argv = ['--model', 'public/demo/model', '--data', 'public/demo/data/edits.eval.json', '--editor', 'stableedit'];
    argv.push('--modules', 'model.layers.3.mlp.down_proj', '--n-edits', '10', '--sub-batch', '5', '--turns', '3');
    argv.push('--lr', '3e-3', '--ridge', '10', '--sample-every', '1', '--sample-size', '10', '--out', out);
    expect((await quiet(() => run(argv))).value).toBe(0);

    const file = runFileOf(out);
    const text = JSON.stringify(file);
    const parsed = parseRunFileText(text, 'stableedit-demo.run.json');
    expect(parsed.label).toBe('stableedit-demo');
    expect(parsed.status).toBe('finished');
    expect(parsed.turns.map((t) => [t.kind, t.edits])).toEqual([
      ['target', 10],
      ['target', 20],
      ['target', 30],
    ]);
    expect(parsed.metrics.map((m) => [m.protocol, m.edits])).toEqual([
      ['pre-edit', 0],
      ['sample', 10],
      ['sample', 20],
      ['final', 30],
    ]);
    expect(parsed.report?.final).toEqual(parsed.metrics.at(-1));
    // What the page would export again is what it imported.
    expect(JSON.parse(runFileJson(parsed))).toEqual(JSON.parse(text));
  }, 60_000);
});
