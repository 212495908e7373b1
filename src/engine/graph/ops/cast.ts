/** Cast between the IR's dtypes; float→float is the only differentiable case (identity here). */
import type { DType, OpDef } from '../ir';
import { ONNX_DTYPE } from '../ir';

function convert(v: number, to: DType): number {
  if (to === 'bool') return v !== 0 ? 1 : 0;
  if (to === 'int32' || to === 'int64') return Math.trunc(v);
  return v; // the float64 twin keeps full precision on purpose
}

export const Cast: OpDef = {
  type: 'Cast',
  infer: ([x], a) => [{ shape: [...x.shape], dtype: a.to as DType }],
  evaluate: ([x], a) => [{ shape: [...x.shape], data: x.data.map((v) => convert(v, a.to as DType)) }],
  emit: (e, n) => e.node('Cast', [e.name(n.inputs[0])], [e.name(n.outputs[0])], { to: ONNX_DTYPE[n.attrs.to as DType] }),
  vjp: (_g, n, [gy]) => [gy && n.inputs[0].dtype === 'float32' && n.outputs[0].dtype === 'float32' ? gy : null],
};
