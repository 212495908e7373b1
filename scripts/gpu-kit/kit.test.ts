/**
 * The GPU check kit end to end, here: `npm run gpu-kit`'s build (under its 56 MiB), then
 * `bash run.sh OUT --tiny` on SwiftShader (named with --icd, as a machine's own driver would be
 * found) — unpack with python3, the adapter, the kernels check group, one turn per editor at the
 * tiny llama shape, and the PyTorch step (here without torch: its row says so) — and the report's
 * pass rows. Slow on SwiftShader (every pipeline compiles on the CPU): docs/benchmarks.md has its time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SWIFTSHADER_ICD, dawnSkipReason } from '../../src/engine/gpu/swiftshader';
import { KIT_LIMIT_BYTES, buildKit } from './build';

const tools = ['python3', 'xz', 'tar', 'dpkg-deb'].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
const skip = dawnSkipReason() ?? (tools.length ? `missing ${tools.join(', ')}` : null);
const dir = mkdtempSync(join(tmpdir(), 'gpu-kit-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(skip !== null)(`GPU check kit${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('builds under 56 MiB and its --tiny run passes on SwiftShader', { timeout: 60 * 60_000 }, async () => {
    let t0 = performance.now();
    const { bytes } = await buildKit(join(dir, 'kit'));
    const buildS = (performance.now() - t0) / 1000;
    expect(bytes).toBeLessThanOrEqual(KIT_LIMIT_BYTES);

    t0 = performance.now();
    const out = join(dir, 'out');
    const r = spawnSync('bash', [join(dir, 'kit/run.sh'), out, '--tiny', '--icd', SWIFTSHADER_ICD], {
      // SwiftShader here runs at a fraction of a GPU's speed: a budget to match (the steps' limits scale with it)
      env: { ...process.env, KIT_BUDGET_S: '3000', KIT_PEER_DEVICE: 'cpu' },
      encoding: 'utf8',
    });
    const runS = (performance.now() - t0) / 1000;
    console.log(
      `gpu-kit: ${(bytes / 2 ** 20).toFixed(1)} MiB, built in ${buildS.toFixed(0)} s, --tiny run in ${runS.toFixed(0)} s\n${r.stderr}`,
    );
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(out, 'report.md'))).toBe(true);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const md = readFileSync(join(out, 'report.md'), 'utf8');

    expect(report.adapter.description).toMatch(/swiftshader/);
    // (a): the kernels group ran, every row passes and the table says so
    const groups = new Set(report.checks.map((c: { group: string }) => c.group));
    expect([...groups]).toEqual(['kernels']);
    expect(report.checks.length).toBeGreaterThanOrEqual(20);
    for (const c of report.checks) expect(c.pass, `${c.group} ${c.name}: ${JSON.stringify(c.errors)} ${c.detail ?? ''}`).toBe(true);
    expect(md.match(/\| pass \|$/gm)?.length).toBe(report.checks.length);
    expect(md).not.toMatch(/FAIL/);
    // (b): one turn per editor at the tiny shape, every stage timed
    expect(report.turns.map((t: { editor: string }) => t.editor).sort()).toEqual(['stableedit', 'ultraedit']);
    for (const t of report.turns) expect(t.totalMs).toBeGreaterThan(0);
    // (c): PyTorch ran, or its step says why not in one line
    const torch = report.steps.find((s: { step: string }) => s.step === 'torch');
    if (torch.status === 'ok') expect(report.peers.length).toBe(1);
    else expect(torch.last).toMatch(/cannot import torch|sees no CUDA/);
    for (const s of report.steps) if (s.step !== 'torch') expect(s.status, `${s.step}: ${s.last}`).toBe('ok');
  });
});
