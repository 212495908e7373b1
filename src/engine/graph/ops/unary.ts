/** Elementwise float functions. Each VJP is written from the output y where that is cheaper. */
import type { OpDef, Value } from '../ir';
import { describe } from '../ir';
import type { GraphBuilder } from '../builder';

type UnaryVjp = (g: GraphBuilder, x: Value, y: Value, gy: Value) => Value;

function unary(type: string, f: (x: number) => number, vjp: UnaryVjp, onnx = type, floatOnly = true): OpDef {
  return {
    type,
    infer: ([x]) => {
      if (floatOnly && x.dtype !== 'float32') throw new Error(`${type} needs float32, got ${describe(x)}`);
      return [{ shape: [...x.shape], dtype: x.dtype }];
    },
    evaluate: ([x]) => [{ shape: [...x.shape], data: x.data.map(f) }],
    emit: (e, n) => e.node(onnx, [e.name(n.inputs[0])], [e.name(n.outputs[0])]),
    vjp: (g, n, [gy]) => [gy && vjp(g, n.inputs[0], n.outputs[0], gy)],
  };
}

export const Neg = unary(
  'Neg',
  (x) => -x,
  (g, _x, _y, gy) => g.neg(gy),
  'Neg',
  false,
);
export const Sqrt = unary('Sqrt', Math.sqrt, (g, _x, y, gy) => g.div(gy, g.mul(y, g.scalar(2))));
export const Reciprocal = unary(
  'Reciprocal',
  (x) => 1 / x,
  (g, _x, y, gy) => g.neg(g.mul(gy, g.mul(y, y))),
);
export const Exp = unary('Exp', Math.exp, (g, _x, y, gy) => g.mul(gy, y));
export const Log = unary('Log', Math.log, (g, x, _y, gy) => g.div(gy, x));
export const Tanh = unary('Tanh', Math.tanh, (g, _x, y, gy) => g.mul(gy, g.sub(g.scalar(1), g.mul(y, y))));
export const Sigmoid = unary(
  'Sigmoid',
  (x) => 1 / (1 + Math.exp(-x)),
  (g, _x, y, gy) => g.mul(gy, g.mul(y, g.sub(g.scalar(1), y))),
);
export const Identity = unary(
  'Identity',
  (x) => x,
  (_g, _x, _y, gy) => gy,
  'Identity',
  false,
);

/** Identity in the forward pass; cuts the backward pass (no VJP). */
export const StopGradient: OpDef = { ...Identity, type: 'StopGradient', vjp: undefined };
