/**
 * Real shapes on the built site's WebGPU path: random-weight checkpoints at the exact configuration
 * of GPT-2 small (F32, as on the Hub; 1 layer) and SmolLM2-135M (BF16, as on the Hub; 2 layers) —
 * the real embedding, head, widths, heads and KV heads, fewer layers — picked as a folder, loaded
 * onto WebGPU, one turn of the GPU editor (capture, statistics, solve, apply), the run's evaluations,
 * the metrics and the edited weights exported. Opt-in (about 4 minutes a shape on SwiftShader;
 * `npm test` runs e2e/real-shape.harness.spec.ts, one shape through the lab within the suite's time):
 *
 *   REAL_SHAPES=1 E2E_PORT=5183 npx playwright test e2e/real-shapes.spec.ts
 *
 * The larger shapes (Qwen2.5-0.5B's 151,936 × 896 and Llama-3.2-1B's 128,256 × 2,048 embeddings) are
 * in real-shapes-large.spec.ts.
 */
import { test } from '@playwright/test';
import { checkRealShape, runRealShape, type RealShapeCase } from './support/real-shape-run';

const CASES: RealShapeCase[] = [
  { repo: 'openai-community/gpt2', layers: 1, dtype: 'F32' },
  { repo: 'HuggingFaceTB/SmolLM2-135M', layers: 2, dtype: 'BF16' },
];

test.skip(!process.env.REAL_SHAPES, 'opt-in: REAL_SHAPES=1');

for (const c of CASES) {
  test(`${c.repo} at its real shape (${c.layers} layer${c.layers > 1 ? 's' : ''}): load, GPU-editor turn, evaluation, export`, async ({
    page,
  }, info) => {
    test.setTimeout(300_000);
    checkRealShape(c, await runRealShape(page, c), info);
  });
}
