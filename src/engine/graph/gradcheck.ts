/**
 * Test harness: builds a graph from a function of its inputs, reduces the output to a scalar with a
 * fixed random weighting (so every output element matters), and compares
 *  - reverse-mode gradients against central finite differences of the float64 interpreter, and
 *  - ORT fp32 results (outputs and gradients, native or wasm backend) against the interpreter.
 */
import { maxRelativeError } from '../gpu/compare';
import type { DType, Value } from './ir';
import { GraphBuilder } from './builder';
import { interpret } from './interpret';
import { sizeOf, tensor, type Tensor64 } from './tensor';
import { Rng } from '../util/rng';
import type { CpuBackend } from './ort-backends';
import type { Feed } from './ort-session';
import { GraphSession } from './ort-session';

export interface InputSpec {
  shape: number[];
  dtype?: DType;
  /** Explicit data (ints, masks); otherwise normals, or |normal|+0.5 when `positive`. */
  data?: number[];
  positive?: boolean;
}

export interface Built {
  g: GraphBuilder;
  inputs: Value[];
  out: Value;
  loss: Value;
  grads: Value[];
  /** Inputs that get gradients (float32). */
  diff: Value[];
  feeds: Record<string, Tensor64>;
}

export function build(fn: (g: GraphBuilder, xs: Value[]) => Value, specs: InputSpec[], seed = 1): Built {
  const rng = new Rng(seed);
  const g = new GraphBuilder();
  const inputs = specs.map((s, i) => g.input(`x${i}`, s.dtype ?? 'float32', s.shape));
  const out = fn(g, inputs);
  const r = g.constant(
    [...out.shape],
    Array.from({ length: sizeOf(out.shape) }, () => Math.fround(rng.normal())),
  );
  const loss = g.reduceSum(
    g.mul(out, r),
    out.shape.map((_, i) => i),
  );
  const diff = inputs.filter((v) => v.dtype === 'float32');
  g.output('out', out);
  g.output('loss', loss);
  const grads = g.grad(loss, diff);
  grads.forEach((gv, i) => g.output(`grad_${diff[i].name}`, gv));
  const feeds: Record<string, Tensor64> = {};
  specs.forEach((s, i) => {
    const data =
      s.data ?? Array.from({ length: sizeOf(s.shape) }, () => Math.fround(s.positive ? Math.abs(rng.normal()) + 0.5 : rng.normal()));
    feeds[`x${i}`] = tensor(s.shape, data);
  });
  return { g, inputs, out, loss, grads, diff, feeds };
}

/** Largest relative error of any input's gradient against central differences (step h). */
export function fdError(b: Built, h = 1e-6): { err: number; worst: string } {
  const env = interpret(b.g, b.feeds, [...b.grads, b.loss]);
  const lossAt = (feeds: Record<string, Tensor64>) => interpret(b.g, feeds, [b.loss]).get(b.loss.id)!.data[0];
  let err = 0;
  let worst = '';
  b.diff.forEach((x, i) => {
    const base = b.feeds[x.name!];
    const fd = new Float64Array(base.data.length);
    for (let k = 0; k < fd.length; k++) {
      const p = { shape: base.shape, data: base.data.slice() };
      const m = { shape: base.shape, data: base.data.slice() };
      p.data[k] += h;
      m.data[k] -= h;
      fd[k] = (lossAt({ ...b.feeds, [x.name!]: p }) - lossAt({ ...b.feeds, [x.name!]: m })) / (2 * h);
    }
    const e = maxRelativeError(env.get(b.grads[i].id)!.data, fd);
    if (e > err) [err, worst] = [e, x.name!];
  });
  return { err, worst };
}

/** Largest relative error of any graph output computed by ORT (fp32) against the interpreter. */
export async function ortError(b: Built, backend: CpuBackend): Promise<{ err: number; worst: string; nodeCount: number }> {
  const ref = interpret(b.g, b.feeds);
  const session = await GraphSession.fromGraph(b.g, 'graph', { backend });
  const feeds: Record<string, Feed> = {};
  for (const v of b.g.inputs) {
    const d = b.feeds[v.name!].data;
    feeds[v.name!] = v.dtype === 'float32' ? Float32Array.from(d) : Int32Array.from(d);
  }
  const res = await session.run(feeds);
  await session.release();
  let err = 0;
  let worst = '';
  for (const o of b.g.outputs) {
    const got = Array.from(res[o.name!] as ArrayLike<number | bigint>, Number);
    const e = maxRelativeError(got, ref.get(o.id)!.data);
    if (e > err) [err, worst] = [e, o.name!];
  }
  return { err, worst, nodeCount: session.nodeCount };
}
