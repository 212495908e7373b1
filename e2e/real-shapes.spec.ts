/**
 * Real shapes on the built site's WebGPU path: random-weight checkpoints at the exact configuration
 * of GPT-2 small (F32, as on the Hub; 1 layer) and SmolLM2-135M (BF16, as on the Hub; 2 layers) —
 * the real embedding, head, widths, heads and KV heads, fewer layers — picked as a folder, loaded
 * onto WebGPU, one turn of the GPU editor (capture, statistics, solve, apply), the run's evaluations,
 * the metrics and the edited weights exported. The larger shapes (Qwen2.5-0.5B's 151,936 × 896 and
 * Llama-3.2-1B's 128,256 × 2,048 embeddings) are in real-shapes-large.spec.ts, opt-in.
 */
import { expect, test } from '@playwright/test';
import { describeResult, runRealShape, type RealShapeCase } from './support/real-shape-run';

const CASES: RealShapeCase[] = [
  { repo: 'openai-community/gpt2', layers: 1, dtype: 'F32' },
  { repo: 'HuggingFaceTB/SmolLM2-135M', layers: 2, dtype: 'BF16' },
];

for (const c of CASES) {
  test(`${c.repo} at its real shape (${c.layers} layer${c.layers > 1 ? 's' : ''}): load, GPU-editor turn, evaluation, export`, async ({
    page,
  }, info) => {
    test.setTimeout(300_000);
    const r = await runRealShape(page, c);
    const line = describeResult(c, r);
    console.log(line);
    info.annotations.push({ type: 'real-shape', description: line });
    // Every tensor of the checkpoint comes back at its shape (the embedding at the real vocabulary × width).
    for (const [name, shape] of r.generated) expect(r.exported[name], name).toEqual(shape);
    expect(Number.isFinite(r.loss)).toBe(true);
    expect(r.deltaNorm).toBeGreaterThan(0);
    // The GPU editor's update is what the exported weights carry (fp32 rounding of W + ΔW aside).
    expect(Math.abs(r.weightChange - r.deltaNorm) / r.deltaNorm).toBeLessThanOrEqual(1e-3);
  });
}
