/**
 * The larger real shapes, opt-in (10 minutes and more each on SwiftShader, several GiB of memory):
 *
 *   REAL_SHAPES_LARGE=1 E2E_PORT=5183 npx playwright test e2e/real-shapes-large.spec.ts
 *
 * Qwen2.5-0.5B (tied 151,936 × 896 embedding) and Llama-3.2-1B (tied 128,256 × 2,048: 1,050,673,152
 * bytes in fp32, one GPU buffer), and of the newer families Qwen3-0.6B (q/k norms, head_dim 128 ≠ 1,024 / 16,
 * tied 151,936 × 1,024) and Gemma-3-270M (tied 262,144 × 640 embedding × √640, (1 + w) norms, q/k norms,
 * local rope on its sliding layer) and Phi-3-mini (fused qkv_proj 9,216 × 3,072 and gate_up_proj 16,384 × 3,072,
 * untied 32,064 × 3,072 embedding and head, window 2,047), each with one layer, BF16 as on the Hub, through the same path as
 * real-shapes.spec.ts. The Qwen3, Phi-3 and Gemma 3 cases are not yet seen to finish on SwiftShader (2 shared cores,
 * load 13–20 from other jobs): Gemma-3-270M ran past 25 minutes with no result; Qwen3-0.6B loaded (about 2 minutes)
 * and was still in the pre-edit scoring when the 45-minute run limit stopped it (47.2 min in all, peak RSS 3.0 GiB);
 * Phi-3-mini was stopped by hand after 20 minutes, before any result.
 */
import { test } from '@playwright/test';
import { checkRealShape, runRealShape, type RealShapeCase } from './support/real-shape-run';

const CASES: RealShapeCase[] = [
  { repo: 'Qwen/Qwen2.5-0.5B', layers: 1, dtype: 'BF16' },
  { repo: 'meta-llama/Llama-3.2-1B', layers: 1, dtype: 'BF16' },
  { repo: 'Qwen/Qwen3-0.6B', layers: 1, dtype: 'BF16' },
  { repo: 'microsoft/Phi-3-mini-4k-instruct', layers: 1, dtype: 'BF16' },
  { repo: 'google/gemma-3-270m', layers: 1, dtype: 'BF16' },
];

test.skip(!process.env.REAL_SHAPES_LARGE, 'opt-in: REAL_SHAPES_LARGE=1');

for (const c of CASES) {
  test(`${c.repo} at its real shape (${c.layers} layer): load, GPU-editor turn, evaluation, export`, async ({ page }, info) => {
    // Llama-3.2-1B's head (2 × 2,048 × 128,256 FLOP a row) alone keeps SwiftShader busy for minutes.
    test.setTimeout(3_600_000);
    checkRealShape(c, await runRealShape(page, c, 2_700_000), info);
  });
}
