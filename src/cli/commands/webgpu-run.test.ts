/**
 * `run --backend webgpu` on Dawn + SwiftShader (the demo model, tiny turns: SwiftShader compiles each
 * of onnxruntime-web's WGSL programs on the CPU, about a minute in all): the same per-turn numbers as
 * the native backend within the GPU editor's tolerance (1e-4, the one e2e/editor-kernels.harness.spec.ts
 * holds it to), a device lost after turn 2 stopping the run with its checkpoint intact, and that
 * checkpoint resumed — here on the native backend — to the uninterrupted run's report.
 *
 * The whole run is opt-in (WEBGPU_NODE_RUN=1): SwiftShader's first compile of ORT's programs takes
 * 50–230 s on two cores, which alone would push `npm test` past its 20-minute budget. The refusal
 * runs always.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, hasStackTrace, spawnCli } from '../faults/harness';
import { dawnSkipReason, swiftShaderEnv } from '../../engine/gpu/swiftshader';

const skip = dawnSkipReason();
const wholeRun = process.env.WEBGPU_NODE_RUN === '1';
const TOLERANCE = 1e-4;
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

const args = (out: string, extra: string[] = []) => [
  'run',
  '--model',
  'public/demo/model',
  '--data',
  'public/demo/data/edits.eval.json',
  '--editor',
  'stableedit',
  '--modules',
  'model.layers.2.mlp.down_proj',
  '--n-edits',
  '10',
  '--sub-batch',
  '10',
  '--turns',
  '3',
  '--lr',
  '1e-3',
  '--ridge',
  '10',
  '--checkpoint-every',
  '1',
  '--out',
  out,
  ...extra,
];

const turns = (out: string) =>
  readFileSync(join(out, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe.skipIf(skip !== null)(`run --backend webgpu on Dawn${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('refuses the software adapter unless asked for, naming it', async () => {
    const r = await spawnCli(args(mkdtempSync(join(tmpdir(), 'se-webgpu-')), ['--backend', 'webgpu']), swiftShaderEnv()!);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the only WebGPU adapter is a software one \(google · swiftshader\).*--allow-software-adapter/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it.skipIf(!wholeRun)(
    '(opt-in: WEBGPU_NODE_RUN=1) gives the native numbers; a lost device stops it with the checkpoint intact, and the checkpoint resumes',
    async () => {
      const native = mkdtempSync(join(tmpdir(), 'se-native-'));
      expect((await cli(args(native))).code).toBe(0);
      const gpu = mkdtempSync(join(tmpdir(), 'se-webgpu-'));
      const r = await spawnCli(args(gpu, ['--backend', 'webgpu', '--allow-software-adapter']), {
        ...swiftShaderEnv()!,
        STABLEEDIT_LOSE_DEVICE_AT: 'turn#2',
      });
      expect(r.stderr).toMatch(/webgpu: google · swiftshader \(software adapter/);
      expect(r.stderr).toMatch(/editor math: GPU \(WGSL\)/);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/run stopped: step 2: the WebGPU device was lost \(destroyed/);
      expect(r.stderr).toMatch(/checkpoint .* \(step 2 of 3\) is intact/);
      expect(hasStackTrace(r.stderr)).toBe(false);
      expect(existsSync(join(gpu, 'checkpoint.bin'))).toBe(true);
      expect(existsSync(join(gpu, 'report.json'))).toBe(false);

      const want = turns(native);
      const got = turns(gpu);
      expect(got).toHaveLength(2);
      for (const [i, g] of got.entries()) {
        const w = want[i];
        expect(rel(g.loss, w.loss), `turn ${i} loss`).toBeLessThanOrEqual(TOLERANCE);
        const [gm, wm] = [g.diagnostics.modules[0], w.diagnostics.modules[0]];
        for (const k of ['deltaNorm', 'lambdaMax', 'conditionNumber'] as const)
          expect(rel(gm[k], wm[k]), `turn ${i} ${k}`).toBeLessThanOrEqual(TOLERANCE);
        expect(g.immediate.metrics).toEqual(w.immediate.metrics);
      }

      const resumed = await cli(args(gpu));
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toMatch(/resuming from .*checkpoint.bin at step 2 of 3/);
      const [a, b] = [native, gpu].map((d) => JSON.parse(readFileSync(join(d, 'report.json'), 'utf8')));
      expect(b.final.metrics).toEqual(a.final.metrics);
      expect(b.preEdit.metrics).toEqual(a.preEdit.metrics);
      expect(rel(turns(gpu)[2].loss, want[2].loss)).toBeLessThanOrEqual(TOLERANCE);
    },
    600_000,
  );
});
