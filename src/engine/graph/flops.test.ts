import { describe, expect, it } from 'vitest';
import { memoryFolder } from '../io/memory';
import { tinyCheckpoint } from '../model/generate-tiny';
import { loadModel } from '../model/load';
import { GraphBuilder } from './builder';
import { countFlops, graphFlops, splitFlops } from './flops';
import { buildCaptureGraph, buildForwardGraph } from './models/transformer';

describe('FLOP counter', () => {
  it('counts a small graph by hand', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [2, 3]);
    const w = g.input('w', 'float32', [3, 4]);
    const b = g.input('b', 'float32', [4]);
    const y = g.gemm(x, w, b); // 2·2·3·4 + bias 2·4 = 56
    const t = g.tanh(y); // 8
    const s = g.softmax(t, -1); // 5·8 = 40
    const r = g.reduceSum(s, [1]); // 8 inputs
    const m = g.matmul(g.reshape(r, [1, 2]), g.input('v', 'float32', [2, 5])); // 2·1·2·5 = 20
    g.output('m', g.transpose(m, [1, 0])); // free
    const c = countFlops(g.nodes);
    expect(c.byOp).toEqual({ Gemm: 56, Tanh: 8, Softmax: 40, ReduceSum: 8, MatMul: 20, Reshape: 0, Transpose: 0 });
    expect(c.total).toBe(132);
    expect(c.matmul).toBe(76);
  });

  it('batched MatMul counts every batch element; dead nodes are not run', () => {
    const g = new GraphBuilder();
    const a = g.input('a', 'float32', [3, 2, 4, 5]);
    const b = g.input('b', 'float32', [5, 6]);
    g.exp(a); // dead: 120 FLOPs nobody reads
    g.output('y', g.matmul(a, b));
    expect(countFlops(g.nodes).total).toBe(2 * 3 * 2 * 4 * 5 * 6 + 120);
    expect(graphFlops(g).total).toBe(2 * 3 * 2 * 4 * 5 * 6);
  });

  it('GPT-2 forward graph: matmul FLOPs = the closed form 24·BT·H² per layer + attention + head', async () => {
    const H = 16,
      L = 2,
      heads = 4;
    const m = await loadModel(memoryFolder('tiny', tinyCheckpoint({ arch: 'gpt2', seed: 1, hidden: H, layers: L, heads })));
    const V = m.spec.vocabSize;
    const B = 3,
      T = 8,
      BT = B * T;
    const c = graphFlops(buildForwardGraph(m.spec, { batch: B, seqLen: T }).g);
    // c_attn 3H, attn c_proj H, c_fc 4H, mlp c_proj H: 2·BT·H·(3H+H+4H+4H) + biases BT·(3H+H+4H+H); LM head 2·BT·H·V
    expect(c.byOp.Gemm).toBe(L * (2 * BT * H * 12 * H + BT * 9 * H) + 2 * BT * H * V);
    // QKᵀ and probs·V: 2·T·T·(H/heads) each, per batch and head
    expect(c.byOp.MatMul).toBe(L * 2 * (2 * B * heads * T * T * (H / heads)));
  });

  it('capture graph splits into forward (what the loss needs) and the backward rest', async () => {
    const m = await loadModel(memoryFolder('tiny', tinyCheckpoint({ arch: 'llama', seed: 2, hidden: 16, layers: 3, heads: 4 })));
    const edited = [m.modules[1]];
    const { g } = buildCaptureGraph(m.spec, { batch: 2, seqLen: 8, labels: 5 }, edited);
    const { forward, rest } = splitFlops(g, ['loss']);
    expect(forward.total + rest.total).toBe(graphFlops(g).total);
    // backward reaches module 1 from the loss: layer 2 whole (and layer 1's MLP output) — at least
    // the input-gradient products of layer 2's seven projections on the 16 rows: 2·16·(2·16·… ) > 0
    expect(rest.matmul).toBeGreaterThan(0);
    expect(rest.matmul).toBeLessThan(2 * forward.matmul);
    expect(() => splitFlops(g, ['nope'])).toThrow(/no output/);
  });
});
