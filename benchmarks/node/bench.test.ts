import { describe, expect, it } from 'vitest';
import { nodeFile, nodeFolder } from '../../src/engine/io/node-files';
import { CpuExecutor } from '../../src/engine/runtime/cpu-runtime';
import { runProfile } from '../src/run-profile';
import { PROFILES } from '../src/shapes';
import { profileFromArgs } from './bench';

describe('bench smoke (demo model, one stableedit turn of 20 edits)', () => {
  it('measures every stage, counts FLOPs and agrees dual = primal', async () => {
    const report = await runProfile(PROFILES.smoke, {
      newExecutor: () => CpuExecutor.create(),
      otherExecutors: async () => [await CpuExecutor.create({ backend: 'wasm' })],
      demoModel: nodeFolder('public/demo/model'),
      demoEdits: nodeFile('public/demo/data/edits.eval.json'),
      memory: () => ({
        jsHeapMB: process.memoryUsage().heapUsed / 2 ** 20,
        rssMB: process.memoryUsage().rss / 2 ** 20,
        gpuBuffersMB: null,
      }),
      log: () => {},
    });
    expect(report.peakGflops).toBeGreaterThan(0);
    expect(report.peaks.map((q) => q.backend)).toEqual([report.backendLabel, 'wasm']);
    expect(report.machinePeak.gflops).toBe(Math.max(...report.peaks.map((q) => q.gflops)));
    const [r] = report.results;
    expect(r.rows).toBe(20); // demo answers are one token: one label row per record
    for (const k of ['captureFwd', 'stats', 'whitening', 'solve', 'evaluate'] as const) expect(r.ms[k], k).toBeGreaterThan(0);
    // bwd = capture − a separate forward pass: a few ms on the demo model natively, so load can zero it
    expect(r.ms.captureBwd).toBeGreaterThanOrEqual(0);
    expect(r.flops.capture).toBeGreaterThan(r.flops.captureForward);
    expect(r.roofline).toBeGreaterThan(1); // nothing beats the measured peak
    expect(r.roofline).toBeGreaterThanOrEqual(r.backendRoofline); // the machine's peak is at least the backend's
    expect(r.dual.relDiff!).toBeLessThan(1e-8); // same ridge solution, two forms
    expect(r.timedCompiles).toBe(0); // the untimed turn compiled every graph the timed one runs
  }, 30_000);

  it('reads profile flags and rejects unknown ones', () => {
    expect(profileFromArgs(['--full']).name).toBe('full');
    const p = profileFromArgs(['--only', 'gpt2-small', '--editors', 'ultraedit', '--turns', '2', '--layers', '3']);
    expect(p.cases).toEqual([{ model: 'gpt2-small', layers: 3, editor: 'ultraedit' }]);
    expect(p.turns).toBe(2);
    expect(() => profileFromArgs(['--profile', 'nope'])).toThrow(/unknown profile "nope"/);
    expect(() => profileFromArgs(['--only', 'nope'])).toThrow(/no configuration/);
  });
});
