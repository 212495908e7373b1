/**
 * train-editor and run --editor rledit|mend|malmen on a tiny seeded model: a training killed (SIGKILL) right after
 * a checkpoint resumes to the same network bytes and losses as an uninterrupted one; the network
 * edits through the run loop, and a killed run with it resumes to the same edited weights; --lr/--ridge, another model's network and other modules are refused.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, makeFixture, MODULE, spawnCli, withFlag, type Fixture } from '../faults/harness';
import { writeTinyCheckpoint } from '../../engine/model/write-tiny';

const train = (f: Fixture, out: string, extra: string[] = []) => [
  'train-editor',
  '--editor',
  'rledit',
  '--model',
  f.model,
  '--data',
  f.data,
  '--modules',
  MODULE,
  '--n-edits',
  '3',
  '--sub-batch',
  '2',
  '--turns',
  '4',
  '--epochs',
  '2',
  '--update-every',
  '2',
  '--rank',
  '4',
  '--n-blocks',
  '2',
  '--back-depth',
  '2',
  '--lr',
  '1e-2',
  '--meta-lr',
  '1e-2',
  '--checkpoint-every',
  '1',
  '--out',
  out,
  ...extra,
];

const edit = (f: Fixture, hypernet: string, out: string, extra: string[] = ['--checkpoint-every', '1']) => [
  'run',
  '--editor',
  'rledit',
  '--hypernet',
  hypernet,
  '--model',
  f.model,
  '--data',
  f.data,
  '--modules',
  MODULE,
  '--n-edits',
  '3',
  '--sub-batch',
  '2',
  '--turns',
  '2',
  '--out',
  out,
  ...extra,
];

const losses = (dir: string) =>
  readFileSync(join(dir, 'losses.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => ({ ...JSON.parse(l), ms: 0, networkMs: 0 }));

describe('train-editor (rledit)', () => {
  let f: Fixture;
  let straight: string;
  beforeAll(async () => {
    f = await makeFixture();
    straight = join(f.dir, 'straight');
    const r = await cli(train(f, straight));
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  it('killed after a checkpoint, then rerun: resumes and writes the same network bytes and losses', async () => {
    const out = join(f.dir, 'killed');
    const k = await spawnCli(train(f, out), { STABLEEDIT_KILL_AT: 'renamed:checkpoint.bin#3' });
    expect(k.signal, k.stderr).toBe('SIGKILL');
    const r = await cli(train(f, out));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('at step 3 of 8');
    expect(readFileSync(join(out, 'network.safetensors')).equals(readFileSync(join(straight, 'network.safetensors')))).toBe(true);
    expect(losses(out)).toEqual(losses(straight));
    const again = await cli(train(f, out));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('holds a trained network');
  }, 120_000);

  it('run --editor rledit edits with it; --lr, other modules and another model are refused saying what differs', async () => {
    const ok = await cli(edit(f, straight, join(f.dir, 'run')));
    expect(ok.code, ok.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(f.dir, 'run', 'report.json'), 'utf8'));
    expect(report.editor).toBe('rledit');
    expect(report.fingerprint.hypernet).toMatch(/^[0-9a-f]{64}$/);

    // A run killed after its first checkpoint resumes to the same edited weights (the normalizers are in the checkpoint).
    const killed = join(f.dir, 'run-killed');
    const k = await spawnCli(edit(f, straight, killed, ['--checkpoint-every', '1']), { STABLEEDIT_KILL_AT: 'renamed:checkpoint.bin#1' });
    expect(k.signal, k.stderr).toBe('SIGKILL');
    const resumed = await cli(edit(f, straight, killed, ['--checkpoint-every', '1']));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('at step 1 of 2');
    expect(readFileSync(join(killed, 'edited.safetensors')).equals(readFileSync(join(f.dir, 'run', 'edited.safetensors')))).toBe(true);

    const lr = await cli(edit(f, straight, join(f.dir, 'run-lr'), ['--lr', '1e-3']));
    expect(lr.code).toBe(2);
    expect(lr.stderr).toContain('--lr is not a setting of --editor rledit');

    const other = await cli(withFlag(edit(f, straight, join(f.dir, 'run-mod')), 'modules', 'model.layers.0.mlp.down_proj'));
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(`modules: trained for ${MODULE}, this run edits model.layers.0.mlp.down_proj`);

    const model2 = await writeTinyCheckpoint(join(f.dir, 'model2'), {
      arch: 'llama',
      seed: 2,
      hidden: 16,
      layers: 2,
      heads: 2,
      maxPositions: 48,
    });
    const foreign = await cli(withFlag(edit(f, straight, join(f.dir, 'run-model2')), 'model', model2));
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toContain('model files: SHA-256');
    expect(foreign.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('mend: trains, edits through run, and its network is refused for --editor rledit; rledit-only flags refused', async () => {
    const net = join(f.dir, 'mend');
    const mend = [
      'train-editor',
      '--editor',
      'mend',
      '--model',
      f.model,
      '--data',
      f.data,
      '--modules',
      MODULE,
      '--n-edits',
      '3',
      '--sub-batch',
      '2',
      '--turns',
      '2',
      '--rank',
      '4',
      '--lr',
      '1e-2',
      '--out',
      net,
    ];
    const t = await cli(mend);
    expect(t.code, t.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(net, 'hypernet.json'), 'utf8')).editor).toBe('mend');
    const r = await cli(withFlag(edit(f, net, join(f.dir, 'run-mend')), 'editor', 'mend'));
    expect(r.code, r.stderr).toBe(0);
    const wrong = await cli(edit(f, net, join(f.dir, 'run-mend-as-rledit')));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('editor: a mend network, this run is --editor rledit');
    const flag = await cli([...mend, '--back-depth', '3']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--back-depth is a setting of --editor rledit, not mend');
  }, 120_000);

  it('malmen: trains, edits through run; its network is refused for --editor mend; rledit-only flags refused, --net-batch taken', async () => {
    const net = join(f.dir, 'malmen');
    const malmen = [
      'train-editor',
      '--editor',
      'malmen',
      '--model',
      f.model,
      '--data',
      f.data,
      '--modules',
      MODULE,
      '--n-edits',
      '3',
      '--sub-batch',
      '2',
      '--turns',
      '2',
      '--rank',
      '4',
      '--n-blocks',
      '2',
      '--lr',
      '1e-2',
      '--net-batch',
      '2',
      '--out',
      net,
    ];
    const t = await cli(malmen);
    expect(t.code, t.stderr).toBe(0);
    const desc = JSON.parse(readFileSync(join(net, 'hypernet.json'), 'utf8'));
    expect([desc.editor, desc.settings.netBatch, desc.settings.regCoef]).toEqual(['malmen', 2, 0]);
    const r = await cli(withFlag(edit(f, net, join(f.dir, 'run-malmen')), 'editor', 'malmen'));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(f.dir, 'run-malmen', 'report.json'), 'utf8')).editor).toBe('malmen');
    const wrong = await cli(withFlag(edit(f, net, join(f.dir, 'run-malmen-as-mend')), 'editor', 'mend'));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('editor: a malmen network, this run is --editor mend');
    const flag = await cli([...malmen, '--reg-coef', '1e-4']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--reg-coef is a setting of --editor rledit, not malmen');
    const batch = await cli(withFlag(malmen, 'editor', 'rledit'));
    expect(batch.code).toBe(2);
    expect(batch.stderr).toContain('--net-batch is a setting of --editor malmen, not rledit');
  }, 120_000);
});
