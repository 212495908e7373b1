import { describe, expect, it } from 'vitest';
import { build, ortError } from './gradcheck';
import { OP_CASES } from './cases';
import { GraphBuilder } from './builder';
import { CPU_BACKENDS, nativeUnavailable } from './ort-backends';
import { GraphSession } from './ort-session';
import { interpretOutputs } from './interpret';
import { tensor } from './tensor';
import { Rng } from '../util/rng';

// ORT computes in fp32 from the same (fp32-representable) inputs as the float64 interpreter;
// 1e-4 normwise relative error is ~800 fp32 ulps, room for the reductions in attention/softmax.
const TOL = 1e-4;

it('the native backend (onnxruntime-node) loads here', async () => {
  expect(await nativeUnavailable()).toBeNull();
});

describe.each(CPU_BACKENDS)('ORT %s (fp32) vs float64 interpreter: outputs and gradients', (backend) => {
  for (const c of OP_CASES) {
    it(c.name, async () => {
      const { err, worst } = await ortError(build(c.fn, c.specs), backend);
      expect(err, `worst output ${worst}`).toBeLessThanOrEqual(TOL);
    });
  }
});

describe.each(CPU_BACKENDS)('ORT %s: non-differentiable selections', (backend) => {
  it('argMax and topK match the interpreter (int32 out)', async () => {
    const rng = new Rng(7);
    const data = Array.from({ length: 3 * 7 }, () => Math.fround(rng.normal()));
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [3, 7]);
    g.output('am', g.argMax(x, -1));
    const [vals, idx] = g.topK(x, 3);
    g.output('topv', vals);
    g.output('topi', idx);
    const ref = interpretOutputs(g, { x: tensor([3, 7], data) });
    const s = await GraphSession.fromGraph(g, 'selections', { backend });
    expect(s.backend).toBe(backend);
    const got = await s.run({ x: Float32Array.from(data) });
    await s.release();
    expect(got.am).toBeInstanceOf(Int32Array);
    expect(Array.from(got.am as Int32Array)).toEqual(Array.from(ref.am.data));
    expect(Array.from(got.topi as Int32Array)).toEqual(Array.from(ref.topi.data));
    expect(Array.from(got.topv as Float32Array)).toEqual(Array.from(ref.topv.data));
    // topK's first column is the argmax
    expect(Array.from(ref.topi.data).filter((_, i) => i % 3 === 0)).toEqual(Array.from(ref.am.data));
  });

  it('rejects a feed of the wrong size, naming the input', async () => {
    const g = new GraphBuilder();
    g.output('y', g.exp(g.input('x', 'float32', [2, 2])));
    const s = await GraphSession.fromGraph(g, 'feeds', { backend });
    await expect(s.run({ x: new Float32Array(3) })).rejects.toThrow(/'x' needs float32\[2,2\]/);
    await s.release();
  });
});
