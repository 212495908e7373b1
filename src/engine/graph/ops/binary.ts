/** Broadcasting arithmetic: Add, Sub, Mul, Div, Pow. Gradients are summed over broadcast axes. */
import type { Attrs, DType, OpDef, Value, ValueType } from '../ir';
import { describe } from '../ir';
import { broadcastIndex, broadcastShapes, sizeOf, type Tensor64 } from '../tensor';
import type { GraphBuilder } from '../builder';

export function inferBroadcast(type: string, [a, b]: readonly Value[], out?: DType): ValueType[] {
  if (a.dtype !== b.dtype) throw new Error(`${type}: dtypes differ (${describe(a)} vs ${describe(b)})`);
  const shape = broadcastShapes(a.shape, b.shape);
  if (!shape) throw new Error(`${type}: shapes do not broadcast (${describe(a)} vs ${describe(b)})`);
  return [{ shape, dtype: out ?? a.dtype }];
}

export function evalBroadcast(a: Tensor64, b: Tensor64, f: (x: number, y: number) => number): Tensor64 {
  const shape = broadcastShapes(a.shape, b.shape)!;
  const ia = broadcastIndex(shape, a.shape);
  const ib = broadcastIndex(shape, b.shape);
  const data = new Float64Array(sizeOf(shape));
  for (let k = 0; k < data.length; k++) data[k] = f(a.data[ia[k]], b.data[ib[k]]);
  return { shape, data };
}

type BinaryVjp = (g: GraphBuilder, a: Value, b: Value, y: Value, gy: Value, needs: boolean[]) => [Value | null, Value | null];

function binary(type: string, f: (x: number, y: number) => number, vjp: BinaryVjp, intOk = true): OpDef {
  return {
    type,
    infer: (inputs: readonly Value[], _attrs: Attrs) => {
      if (!intOk && inputs[0].dtype !== 'float32') throw new Error(`${type} needs float32, got ${describe(inputs[0])}`);
      return inferBroadcast(type, inputs);
    },
    evaluate: ([a, b]) => [evalBroadcast(a, b, f)],
    emit: (e, n) => e.node(type, n.inputs.map(e.name), [e.name(n.outputs[0])]),
    vjp: (g, n, [gy], needs) => {
      if (!gy) return [null, null];
      const [a, b] = n.inputs;
      const [ga, gb] = vjp(g, a, b, n.outputs[0], gy, needs);
      return [ga && g.sumTo(ga, a.shape), gb && g.sumTo(gb, b.shape)];
    },
  };
}

export const Add = binary(
  'Add',
  (x, y) => x + y,
  (_g, _a, _b, _y, gy) => [gy, gy],
);
export const Sub = binary(
  'Sub',
  (x, y) => x - y,
  (g, _a, _b, _y, gy, needs) => [gy, needs[1] ? g.neg(gy) : null],
);
export const Mul = binary(
  'Mul',
  (x, y) => x * y,
  (g, a, b, _y, gy, needs) => [needs[0] ? g.mul(gy, b) : null, needs[1] ? g.mul(gy, a) : null],
);
export const Div = binary(
  'Div',
  (x, y) => x / y,
  (g, _a, b, y, gy, needs) => {
    // d(a/b)/da = 1/b, d(a/b)/db = -y/b
    const ga = needs[0] || needs[1] ? g.div(gy, b) : null;
    return [needs[0] ? ga : null, needs[1] ? g.neg(g.mul(ga!, y)) : null];
  },
  false,
);
export const Pow = binary(
  'Pow',
  Math.pow,
  (g, a, b, y, gy, needs) => [
    // d(a^b)/da = b·a^(b-1), d(a^b)/db = y·ln a
    needs[0] ? g.mul(gy, g.mul(b, g.pow(a, g.sub(b, g.scalar(1))))) : null,
    needs[1] ? g.mul(gy, g.mul(y, g.log(a))) : null,
  ],
  false,
);
