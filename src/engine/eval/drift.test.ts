/**
 * Representation drift: linear CKA and mean cosine on hand-computed cases and their invariances; both
 * CKA forms (features, Gram) agree; the states are the float64 reference's last-block output at each
 * prompt's last token (rel ≤ 1e-4: an fp32 graph against float64).
 */
import { describe, expect, it } from 'vitest';
import { memoryFolder } from '../io/memory';
import { tinyCheckpoint } from '../model/generate-tiny';
import { loadModel } from '../model/load';
import { referenceForward } from '../reference/forward';
import { createCpuRuntime } from '../runtime/cpu-runtime';
import { Rng } from '../util/rng';
import { finalStates, linearCka, meanCosine, type HiddenStates } from './drift';

const states = (rows: number[][]): HiddenStates => ({ n: rows.length, dim: rows[0].length, data: Float32Array.from(rows.flat()) });

describe('linear CKA', () => {
  it('hand-computed values', () => {
    // 1-D: CKA is the squared correlation; x = (1,2,3), y = (1,3,2): centred (−1,0,1), (−1,1,0), r = 1/2
    expect(linearCka(states([[1], [2], [3]]), states([[1], [3], [2]]))).toBeCloseTo(0.25, 15);
    // XᵀX = diag(2,2), YᵀY = diag(2,0), YᵀX = diag(2,0): 4 / (√8 · 2) = 1/√2
    const x = states([
      [1, 0],
      [0, 1],
      [-1, 0],
      [0, -1],
    ]);
    const y = states([
      [1, 0],
      [0, 0],
      [-1, 0],
      [0, 0],
    ]);
    expect(linearCka(x, y)).toBeCloseTo(Math.SQRT1_2, 15);
  });

  it('1 under rotation, isotropic scaling and translation; the Gram form (n < d) = the feature form', () => {
    const rng = new Rng(3);
    const n = 6;
    const d = 9;
    const X = Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()));
    const [c, s] = [Math.cos(0.7), Math.sin(0.7)];
    const rotated = X.map((r) => r.map((v, j) => (j === 0 ? c * r[0] - s * r[1] : j === 1 ? s * r[0] + c * r[1] : v) * 2.5 + 1));
    expect(linearCka(states(X), states(rotated))).toBeCloseTo(1, 6);
    const Y = X.map((r) => r.map((v) => v + rng.normal()));
    // the feature form written out: ‖YcᵀXc‖² / (‖XcᵀXc‖·‖YcᵀYc‖)
    const centre = (A: number[][]) => A.map((r) => r.map((v, j) => v - A.reduce((t, q) => t + q[j], 0) / A.length));
    const [Xc, Yc] = [centre(X), centre(Y)];
    const f2 = (A: number[][], B: number[][]) => {
      let t = 0;
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) t += A.reduce((u, r, k) => u + r[i] * B[k][j], 0) ** 2;
      return t;
    };
    const want = f2(Yc, Xc) / Math.sqrt(f2(Xc, Xc) * f2(Yc, Yc));
    expect(linearCka(states(X), states(Y))).toBeCloseTo(want, 6);
  });
});

describe('mean cosine', () => {
  it('hand-computed', () => {
    expect(
      meanCosine(
        states([
          [1, 0],
          [0, 1],
        ]),
        states([
          [1, 1],
          [0, -1],
        ]),
      ),
    ).toBeCloseTo((Math.SQRT1_2 - 1) / 2, 7);
  });
});

describe('final states', () => {
  it('= the reference forward’s last-block output at each prompt’s last token', async () => {
    const m = await loadModel(memoryFolder('tiny', tinyCheckpoint({ arch: 'llama', seed: 51, heads: 4, kvHeads: 2 })));
    const rt = await createCpuRuntime(m);
    const prompts = ['The capital of France is', 'Danish', 'Which river flows through the city?'];
    const got = await finalStates(rt, m.tokenizer, prompts, 2);
    const H = m.spec.hidden;
    for (const [i, p] of prompts.entries()) {
      const ids = m.tokenizer.encode(p, true);
      const ref = referenceForward(m.spec, m.weights, { batch: 1, seqLen: ids.length, inputIds: ids, attentionMask: ids.map(() => 1) });
      const want = ref.finalHidden.subarray((ids.length - 1) * H, ids.length * H);
      const row = got.data.subarray(i * H, (i + 1) * H);
      let err = 0;
      let norm = 0;
      for (let j = 0; j < H; j++) {
        err = Math.max(err, Math.abs(row[j] - want[j]));
        norm = Math.max(norm, Math.abs(want[j]));
      }
      expect(err / norm, p).toBeLessThanOrEqual(1e-4);
    }
    await rt.dispose();
  });
});
