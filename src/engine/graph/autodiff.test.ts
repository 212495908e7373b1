import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './builder';
import { interpret } from './interpret';
import { liveNodes } from './onnx/emit';
import { tensor } from './tensor';

const feeds = (shape: number[], data: number[]) => ({ x: tensor(shape, data) });

describe('autodiff', () => {
  it('stopGradient treats the stopped value as a constant: d/dx [stop(eˣ)·x] = eˣ exactly', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [3]);
    const l = g.reduceSum(g.mul(g.stopGradient(g.exp(x)), x), [0]);
    const [gx] = g.grad(l, [x]);
    const xs = [0.3, -1.2, 2];
    const got = interpret(g, feeds([3], xs), [gx]).get(gx.id)!.data;
    expect(Array.from(got)).toEqual(xs.map(Math.exp));
  });

  it('a wrt the loss does not reach gets zeros; a shared input accumulates both paths', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [2]);
    const unused = g.input('u', 'float32', [2, 2]);
    g.tanh(unused); // a dead branch
    const l = g.reduceSum(g.mul(x, x), [0]); // x reaches the loss twice
    const [gx, gu] = g.grad(l, [x, unused]);
    const env = interpret(g, { x: tensor([2], [1.5, -2]), u: tensor([2, 2], [1, 2, 3, 4]) }, [gx, gu]);
    expect(Array.from(env.get(gx.id)!.data)).toEqual([3, -4]);
    expect(Array.from(env.get(gu.id)!.data)).toEqual([0, 0, 0, 0]);
    expect(gu.producer!.op.type).toBe('Zeros');
  });

  it('prunes: backward stops at the lowest wrt and computes no gradient for other inputs', () => {
    // y = W2·tanh(W1·x); asking only for d/d(h) (h = tanh output) must not differentiate W1·x
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [4, 3]);
    const w1 = g.input('w1', 'float32', [3, 5]);
    const w2 = g.input('w2', 'float32', [5, 2]);
    const h = g.tanh(g.matmul(x, w1));
    const l = g.reduceSum(g.matmul(h, w2), [0, 1]);
    const before = g.nodes.length;
    const [gh] = g.grad(l, [h]);
    g.output('gh', gh);
    const backward = g.nodes.slice(before).map((n) => n.op.type);
    // d(sum) then d(h) = g·w2ᵀ: one product, nothing through tanh, w1, w2 or x
    expect(backward).not.toContain('Tanh');
    expect(backward.filter((t) => t === 'MatMul' || t === 'Gemm')).toHaveLength(1);
    // gh does not depend on h's value, so the emitted graph drops the whole forward pass
    expect(liveNodes(g).some((n) => n.inputs.includes(w1))).toBe(false);
  });

  it('rejects a non-scalar loss and says what it got', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [2]);
    expect(() => g.grad(g.exp(x), [x])).toThrow(/loss must be a float32 scalar.*\[2\]/);
  });

  it('shape errors name the op and the operands', () => {
    const g = new GraphBuilder();
    const a = g.input('a', 'float32', [2, 3]);
    const b = g.input('b', 'float32', [4, 5]);
    expect(() => g.matmul(a, b)).toThrow(/MatMul.*a:float32\[2,3\].*b:float32\[4,5\]/);
    expect(() => g.add(a, b)).toThrow(/do not broadcast/);
  });
});
