/** Constants: small tensors stored as initializers, and zero tensors of any size via ConstantOfShape. */
import type { DType, OpDef } from '../ir';
import { sizeOf, type Tensor64 } from '../tensor';

export const Constant: OpDef = {
  type: 'Constant',
  infer: (_x, a) => [{ shape: [...(a.value as Tensor64).shape], dtype: a.dtype as DType }],
  evaluate: (_x, a) => [a.value as Tensor64],
  emit: (e, n) => void e.constant(n.attrs.value as Tensor64, n.attrs.dtype as DType, e.name(n.outputs[0])),
};

/** float32 zeros; ConstantOfShape keeps an embedding-sized zero tensor out of the model file. */
export const Zeros: OpDef = {
  type: 'Zeros',
  infer: (_x, a) => [{ shape: [...(a.shape as number[])], dtype: 'float32' }],
  evaluate: (_x, a) => [{ shape: [...(a.shape as number[])], data: new Float64Array(sizeOf(a.shape as number[])) }],
  emit: (e, n) => e.node('ConstantOfShape', [e.int64(n.attrs.shape as number[])], [e.name(n.outputs[0])]),
};
