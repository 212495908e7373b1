/**
 * `replay --backend webgpu` on Dawn + SwiftShader: the WGSL GPU editor, chosen by the helpers `run`
 * uses (cli/gpu.ts), writes every turn's ΔW and diagnostics within the GPU editor's tolerance
 * (EDITOR_TOLERANCE, the bound e2e/editor-kernels.harness.spec.ts and webgpu-run.test.ts hold it to) of
 * the native replay's; a device lost mid-stream stops it with nothing written. Replay runs no model, so
 * no onnxruntime program compiles: this runs in `npm test`, unlike the whole `run`.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasStackTrace, spawnCli } from '../faults/harness';
import { dawnSkipReason, swiftShaderEnv } from '../../engine/gpu/swiftshader';
import { maxRelativeError } from '../../engine/gpu/compare';
import { SyntheticStream } from '../../engine/editors/synthetic-stream';
import { encodeSafetensors, type TensorToWrite } from '../../engine/safetensors/encode';
import { readSafetensorsHeader } from '../../engine/safetensors/header';
import { readTensorF32 } from '../../engine/safetensors/read';
import { nodeFile } from '../../engine/io/node-files';
import { EDITOR_TOLERANCE } from '../../../e2e/pages/check-bounds';
import type { TurnDiagnostics } from '../../engine/editors/editor';

const skip = dawnSkipReason();
const TURNS = 5;

/** A 5-turn stream of two modules (one shape shared with a third), 2 warm-up turns, losses included. */
function writeStream(dir: string): string {
  const stream = new SyntheticStream(
    [
      { module: 'model.layers.1.mlp.down_proj', dIn: 24, dOut: 8 },
      { module: 'model.layers.2.mlp.down_proj', dIn: 24, dOut: 8 },
      { module: 'model.layers.3.mlp.up_proj', dIn: 8, dOut: 16 },
    ],
    7,
  );
  const tensors: Record<string, TensorToWrite> = {};
  for (let t = 0; t < TURNS; t++)
    stream.turn([6, 5]).forEach((caps, b) => {
      tensors[`t${t}.sb${b}.loss`] = { dtype: 'F32', shape: [1], data: [2 - t / 10 + b] };
      for (const c of caps) {
        tensors[`t${t}.sb${b}.${c.module}.keys`] = { dtype: 'F32', shape: [c.rows, c.dIn], data: c.keys };
        tensors[`t${t}.sb${b}.${c.module}.grads`] = { dtype: 'F32', shape: [c.rows, c.dOut], data: c.grads };
      }
    });
  const file = join(dir, 'stream.safetensors');
  writeFileSync(file, encodeSafetensors(tensors));
  return file;
}

const replayArgs = (input: string, out: string, editor: string, extra: string[] = []) => [
  'replay',
  '--in',
  input,
  '--editor',
  editor,
  '--lr',
  '0.1',
  '--ridge',
  '10',
  '--warmup-turns',
  '2',
  '--out',
  out,
  ...extra,
];

const rel = (a: number | null, b: number | null) =>
  a === null || b === null ? (a === b ? 0 : Infinity) : Math.abs(a - b) / Math.max(Math.abs(b), 1e-30);

/** Worst errors of the GPU replay's outputs against the native one's: ΔW max-norm relative, diagnostics relative (the cosine absolute). */
async function worstErrors(gpuOut: string, nativeOut: string): Promise<Record<string, number>> {
  const worst: Record<string, number> = {};
  const bump = (k: string, v: number) => (worst[k] = Math.max(worst[k] ?? 0, Number.isNaN(v) ? Infinity : v));
  const [g, n] = [nodeFile(gpuOut), nodeFile(nativeOut)];
  const [gh, nh] = [await readSafetensorsHeader(g), await readSafetensorsHeader(n)];
  expect([...gh.tensors.keys()].sort()).toEqual([...nh.tensors.keys()].sort());
  for (const [name, info] of nh.tensors)
    bump('ΔW', maxRelativeError(await readTensorF32(g, gh.tensors.get(name)!), await readTensorF32(n, info)));
  const diag = (out: string) =>
    JSON.parse(readFileSync(out.replace(/\.safetensors$/, '.diagnostics.json'), 'utf8')).turns as TurnDiagnostics[];
  const [gd, nd] = [diag(gpuOut), diag(nativeOut)];
  expect(gd).toHaveLength(TURNS);
  for (const [t, want] of nd.entries()) {
    bump('loss', rel(gd[t].loss, want.loss));
    for (const m of want.modules) {
      const got = gd[t].modules.find((x) => x.module === m.module)!;
      bump('‖ΔW‖', rel(got.deltaNorm, m.deltaNorm));
      bump(
        'cos(ΔW, ΔW_prev) abs',
        m.cosinePrev === null || got.cosinePrev === null ? rel(got.cosinePrev, m.cosinePrev) : Math.abs(got.cosinePrev - m.cosinePrev),
      );
      bump('λmax', rel(got.lambdaMax, m.lambdaMax));
      bump('κ', rel(got.conditionNumber, m.conditionNumber));
      bump('mean drift', rel(got.meanDrift, m.meanDrift));
      bump('cov drift', rel(got.covDrift, m.covDrift));
      bump('same Σ kind, solve form, rows', got.sigma === m.sigma && got.solve === m.solve && got.rows === m.rows ? 0 : Infinity);
    }
  }
  return worst;
}

describe.skipIf(skip !== null)(`replay --backend webgpu on Dawn${skip ? ` (skipped: ${skip})` : ''}`, () => {
  // One editor: every editor's GPU math is held to the float64 one in the kernel checks (editor-kernel-checks.ts);
  // this is the command's path. Each GPU replay compiles the editor's pipelines on SwiftShader (~30 s).
  for (const editor of ['stableedit'])
    it(
      `${editor}: the GPU editor's ΔW and diagnostics within ${EDITOR_TOLERANCE} of the native replay's`,
      { timeout: 300_000 },
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'se-replay-webgpu-'));
        const input = writeStream(dir);
        const [native, gpu] = [join(dir, 'native.safetensors'), join(dir, 'gpu.safetensors')];
        const n = await spawnCli(replayArgs(input, native, editor));
        expect(n.code, n.stderr).toBe(0);
        const g = await spawnCli(replayArgs(input, gpu, editor, ['--backend', 'webgpu', '--allow-software-adapter']), swiftShaderEnv()!);
        expect(g.code, g.stderr).toBe(0);
        expect(g.stderr).toMatch(/webgpu: google · swiftshader \(software adapter/);
        expect(g.stderr).toMatch(/editor math: GPU \(WGSL\)/);
        const worst = await worstErrors(gpu, native);
        console.log(
          `replay ${editor}, webgpu vs native: ${Object.entries(worst)
            .map(([k, v]) => `${k} ${v.toExponential(2)}`)
            .join('  ')}`,
        );
        for (const [k, v] of Object.entries(worst)) expect(v, k).toBeLessThanOrEqual(EDITOR_TOLERANCE);
      },
    );

  it('--editor-math cpu keeps the float64 editor: the native replay bit for bit', { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'se-replay-webgpu-'));
    const input = writeStream(dir);
    const [native, cpu] = [join(dir, 'native.safetensors'), join(dir, 'cpu.safetensors')];
    expect((await spawnCli(replayArgs(input, native, 'stableedit'))).code).toBe(0);
    const c = await spawnCli(
      replayArgs(input, cpu, 'stableedit', ['--backend', 'webgpu', '--allow-software-adapter', '--editor-math', 'cpu']),
      swiftShaderEnv()!,
    );
    expect(c.code, c.stderr).toBe(0);
    expect(c.stderr).toMatch(/editor math: CPU \(float64\)/);
    expect(readFileSync(cpu)).toEqual(readFileSync(native));
  });

  it(
    'refuses the software adapter unless asked for; a device lost at turn 2 stops it with nothing written, no trace',
    { timeout: 300_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'se-replay-webgpu-'));
      const input = writeStream(dir);
      const out = join(dir, 'gpu.safetensors');
      const refused = await spawnCli(replayArgs(input, out, 'stableedit', ['--backend', 'webgpu']), swiftShaderEnv()!);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/the only WebGPU adapter is a software one \(google · swiftshader\).*--allow-software-adapter/);
      expect(hasStackTrace(refused.stderr)).toBe(false);

      const r = await spawnCli(replayArgs(input, out, 'stableedit', ['--backend', 'webgpu', '--allow-software-adapter']), {
        ...swiftShaderEnv()!,
        STABLEEDIT_LOSE_DEVICE_AT: 'turn#2',
      });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/replay stopped: turn 2: the WebGPU device was lost \(destroyed.*nothing was written/);
      expect(hasStackTrace(r.stderr)).toBe(false);
      expect(existsSync(out)).toBe(false);
      expect(existsSync(out.replace(/\.safetensors$/, '.diagnostics.json'))).toBe(false);
    },
  );
});
