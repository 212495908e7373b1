import { describe, expect, it } from 'vitest';
import { memoryFolder } from '../io/memory';
import { bf16ToF32, f32ToBf16 } from '../safetensors/dtypes';
import { knownConfig } from './known-configs';
import { loadModel } from './load';
import { realShapeCheckpoint, realShapeTensor } from './real-shape';

describe('real-shape checkpoints', () => {
  it('SmolLM2-135M with 1 layer loads at its real shapes; the weights are the seeded values rounded to BF16', async () => {
    const c = realShapeCheckpoint('HuggingFaceTB/SmolLM2-135M', { layers: 1, seed: 3, dtype: 'BF16' });
    const m = await loadModel(memoryFolder('smol', c.files));
    expect(m.spec).toMatchObject({ arch: 'llama', layers: 1, hidden: 576, intermediate: 1536, heads: 9, kvHeads: 3, vocabSize: 49152 });
    expect(m.spec.tiedEmbeddings).toBe(true);
    expect(m.weights.get('model.embed_tokens.weight')!.shape).toEqual([49152, 576]);
    // 30 layers of the real model = this one's layer × 30 + what is outside the layers.
    const params = [...m.weights.values()].reduce((n, t) => n + t.data.length, 0);
    const outside = 49152 * 576 + 576;
    expect(outside + (params - outside) * 30).toBe(knownConfig('HuggingFaceTB/SmolLM2-135M').params);
    const name = 'model.layers.0.mlp.down_proj.weight';
    const loaded = m.weights.get(name)!.data;
    const seeded = realShapeTensor(name, 3, loaded.length);
    let mismatches = 0;
    for (let i = 0; i < loaded.length; i++) if (loaded[i] !== bf16ToF32(f32ToBf16(seeded[i]))) mismatches++;
    expect(mismatches).toBe(0);
    // Uniform with std 0.02: the sample's std within 1% of it.
    const std = Math.sqrt(seeded.reduce((s, x) => s + x * x, 0) / seeded.length);
    expect(Math.abs(std - 0.02) / 0.02).toBeLessThan(0.01);
  });
});
