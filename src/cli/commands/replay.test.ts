import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEditor } from '../../engine/editors/registry';
import { SyntheticStream } from '../../engine/editors/synthetic-stream';
import { nodeFile } from '../../engine/io/node-files';
import { encodeSafetensors, type TensorToWrite } from '../../engine/safetensors/encode';
import { readSafetensorsHeader } from '../../engine/safetensors/header';
import { readTensorF32 } from '../../engine/safetensors/read';
import { InputError } from '../../engine/types';
import { run } from './replay';

// layers.2 and layers.10 share a shape: their update order (natural, 2 before 10) matters.
const modules = [
  { module: 'model.layers.10.mlp.down_proj', dIn: 11, dOut: 5 },
  { module: 'model.layers.2.mlp.down_proj', dIn: 11, dOut: 5 },
  { module: 'transformer.h.1.mlp.c_proj', dIn: 6, dOut: 4 },
];

describe('replay CLI', () => {
  it('writes every turn’s ΔW equal to calling the editor directly, plus finite diagnostics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-'));
    const stream = new SyntheticStream(modules, 3);
    const turns = Array.from({ length: 6 }, () => stream.turn([3, 4, 2]));
    const tensors: Record<string, TensorToWrite> = {};
    turns.forEach((sbs, t) =>
      sbs.forEach((caps, b) => {
        tensors[`t${t}.sb${b}.loss`] = { dtype: 'F32', shape: [1], data: [1 + t + b] };
        for (const c of caps) {
          tensors[`t${t}.sb${b}.${c.module}.keys`] = { dtype: 'F32', shape: [c.rows, c.dIn], data: c.keys };
          tensors[`t${t}.sb${b}.${c.module}.grads`] = { dtype: 'F32', shape: [c.rows, c.dOut], data: c.grads };
        }
      }),
    );
    const input = join(dir, 'stream.safetensors');
    writeFileSync(input, encodeSafetensors(tensors));
    const out = join(dir, 'D.safetensors');
    const code = await run(['--in', input, '--editor', 'stableedit', '--lr', '0.1', '--ridge', '10', '--warmup-turns', '2', '--out', out]);
    expect(code).toBe(0);

    const ordered = ['model.layers.2.mlp.down_proj', 'model.layers.10.mlp.down_proj', 'transformer.h.1.mlp.c_proj'];
    const direct = createEditor('stableedit', { lr: 0.1, ridge: 10 });
    const file = nodeFile(out);
    const header = await readSafetensorsHeader(file);
    expect(header.tensors.size).toBe(6 * 3);
    for (let t = 0; t < 6; t++) {
      const sbs = turns[t].map((caps) => ordered.map((m) => caps.find((c) => c.module === m)!));
      const want = await direct.turn({ subBatches: sbs, warmup: t < 2 });
      for (const [m, d] of want.deltas) {
        const info = header.tensors.get(`t${t}.${m}.delta`)!;
        expect(info.shape).toEqual([d.dIn, d.dOut]);
        expect(await readTensorF32(file, info)).toEqual(d.delta);
      }
    }
    const diag = JSON.parse(readFileSync(join(dir, 'D.diagnostics.json'), 'utf8'));
    expect(diag.turns).toHaveLength(6);
    expect(diag.turns.map((t: { warmup: boolean }) => t.warmup)).toEqual([true, true, false, false, false, false]);
    expect(diag.turns[3].loss).toBeCloseTo((4 + 5 + 6) / 3, 6);
    for (const t of diag.turns) for (const m of t.modules) expect(Number.isFinite(m.deltaNorm)).toBe(true);
  });

  it('names a missing grads tensor and a gap in the turns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-'));
    const bad = join(dir, 'bad.safetensors');
    const z = { dtype: 'F32' as const, shape: [2, 2], data: [1, 2, 3, 4] };
    writeFileSync(bad, encodeSafetensors({ 't0.sb0.m.keys': z }));
    const args = ['--in', bad, '--editor', 'ft', '--lr', '1', '--ridge', '1', '--out', join(dir, 'o.safetensors')];
    await expect(run(args)).rejects.toThrow(/t0\.sb0\.m\.grads is missing/);
    writeFileSync(bad, encodeSafetensors({ 't1.sb0.m.keys': z, 't1.sb0.m.grads': z }));
    await expect(run(args)).rejects.toThrow(InputError);
    await expect(run(args)).rejects.toThrow(/turn 0 is missing/);
  });
});
