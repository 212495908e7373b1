/**
 * The op cases both gradient tests (finite differences) and ORT tests (fp32 vs float64) run:
 * every primitive with broadcasting shapes, and the transformer composites.
 */
import type { Value } from './ir';
import type { GraphBuilder } from './builder';
import type { InputSpec } from './gradcheck';
import { attention, causalPaddingMask, crossEntropy, geluTanh, layerNorm, linear, rmsNorm, rope, silu } from './nn';

export interface OpCase {
  name: string;
  specs: InputSpec[];
  fn: (g: GraphBuilder, x: Value[]) => Value;
}

const f = (...shape: number[]): InputSpec => ({ shape });
const pos = (...shape: number[]): InputSpec => ({ shape, positive: true });
const ints = (shape: number[], data: number[]): InputSpec => ({ shape, dtype: 'int32', data });

export const OP_CASES: OpCase[] = [
  { name: 'add broadcast [2,3,4]+[3,1]', specs: [f(2, 3, 4), f(3, 1)], fn: (g, [a, b]) => g.add(a, b) },
  { name: 'sub broadcast [4]-[2,3,4]', specs: [f(4), f(2, 3, 4)], fn: (g, [a, b]) => g.sub(a, b) },
  { name: 'mul broadcast [2,1,4]*[3,1]', specs: [f(2, 1, 4), f(3, 1)], fn: (g, [a, b]) => g.mul(a, b) },
  { name: 'div broadcast [2,3]/[]', specs: [f(2, 3), pos()], fn: (g, [a, b]) => g.div(a, b) },
  { name: 'div broadcast [3]/[2,3]', specs: [f(3), pos(2, 3)], fn: (g, [a, b]) => g.div(a, b) },
  { name: 'pow [2,3]^[3]', specs: [pos(2, 3), f(3)], fn: (g, [a, b]) => g.pow(a, b) },
  { name: 'neg', specs: [f(2, 3)], fn: (g, [a]) => g.neg(a) },
  { name: 'sqrt', specs: [pos(2, 3)], fn: (g, [a]) => g.sqrt(a) },
  { name: 'reciprocal', specs: [pos(2, 3)], fn: (g, [a]) => g.reciprocal(a) },
  { name: 'exp', specs: [f(2, 3)], fn: (g, [a]) => g.exp(a) },
  { name: 'log', specs: [pos(2, 3)], fn: (g, [a]) => g.log(a) },
  { name: 'tanh', specs: [f(2, 3)], fn: (g, [a]) => g.tanh(a) },
  { name: 'sigmoid', specs: [f(2, 3)], fn: (g, [a]) => g.sigmoid(a) },
  { name: 'one input on two paths (accumulation)', specs: [f(3, 2)], fn: (g, [a]) => g.mul(g.exp(a), g.tanh(a)) },
  { name: 'matmul [2,3,4]@[4,5]', specs: [f(2, 3, 4), f(4, 5)], fn: (g, [a, b]) => g.matmul(a, b) },
  { name: 'matmul batch broadcast [2,1,3,4]@[3,4,2]', specs: [f(2, 1, 3, 4), f(3, 4, 2)], fn: (g, [a, b]) => g.matmul(a, b) },
  { name: 'matmul [3,4]@[2,4,5]', specs: [f(3, 4), f(2, 4, 5)], fn: (g, [a, b]) => g.matmul(a, b) },
  { name: 'gemm A·B + c[5]', specs: [f(3, 4), f(4, 5), f(5)], fn: (g, [a, b, c]) => g.gemm(a, b, c) },
  { name: 'gemm A·Bᵀ + c[3,1]', specs: [f(3, 4), f(5, 4), f(3, 1)], fn: (g, [a, b, c]) => g.gemm(a, b, c, { transB: true }) },
  { name: 'gemm Aᵀ·B', specs: [f(4, 3), f(4, 5)], fn: (g, [a, b]) => g.gemm(a, b, null, { transA: true }) },
  { name: 'gemm Aᵀ·Bᵀ', specs: [f(4, 3), f(5, 4)], fn: (g, [a, b]) => g.gemm(a, b, null, { transA: true, transB: true }) },
  { name: 'reduceSum axes [0,2]', specs: [f(2, 3, 4)], fn: (g, [a]) => g.reduceSum(a, [0, 2]) },
  { name: 'reduceSum keepdims [-1]', specs: [f(2, 3, 4)], fn: (g, [a]) => g.reduceSum(a, [-1], true) },
  { name: 'reduceMean axes [1]', specs: [f(2, 3, 4)], fn: (g, [a]) => g.reduceMean(a, [1]) },
  { name: 'reduceMax axes [2] keepdims', specs: [f(2, 3, 4)], fn: (g, [a]) => g.reduceMax(a, [2], true) },
  { name: 'softmax axis 1', specs: [f(2, 4, 3)], fn: (g, [a]) => g.softmax(a, 1) },
  { name: 'logSoftmax axis -1', specs: [f(2, 3, 5)], fn: (g, [a]) => g.logSoftmax(a, -1) },
  { name: 'reshape', specs: [f(2, 3, 4)], fn: (g, [a]) => g.tanh(g.reshape(a, [6, -1])) },
  { name: 'transpose', specs: [f(2, 3, 4)], fn: (g, [a]) => g.transpose(a, [2, 0, 1]) },
  { name: 'expand [3,1]→[2,3,4]', specs: [f(3, 1)], fn: (g, [a]) => g.expand(a, [2, 3, 4]) },
  { name: 'slice two axes', specs: [f(4, 5, 3)], fn: (g, [a]) => g.slice(a, [1, -3], [3, 5], [0, 1]) },
  { name: 'pad', specs: [f(2, 3)], fn: (g, [a]) => g.pad(a, [1, 0], [0, 2]) },
  { name: 'concat axis 1', specs: [f(2, 3), f(2, 1), f(2, 2)], fn: (g, [a, b, c]) => g.concat([a, b, c], 1) },
  { name: 'gather rows (repeats)', specs: [f(5, 3), ints([2, 2], [4, 0, 4, 2])], fn: (g, [a, i]) => g.gather(a, i) },
  { name: 'gatherElements axis 1', specs: [f(3, 5), ints([3, 2], [0, 4, 2, 2, 1, 3])], fn: (g, [a, i]) => g.gatherElements(a, i, 1) },
  {
    name: 'scatterAdd axis 0 (repeats)',
    specs: [f(4, 2), ints([3, 2], [1, 0, 1, 3, 2, 0]), f(3, 2)],
    fn: (g, [d, i, u]) => g.scatterAdd(d, i, u, 0),
  },
  {
    name: 'where with broadcast mask',
    specs: [ints([3, 1], [1, 0, 1]), f(3, 4), f(4)],
    fn: (g, [m, a, b]) => g.where(g.equal(m, g.scalar(1, 'int32')), a, b),
  },
  { name: 'cast float→float', specs: [f(2, 3)], fn: (g, [a]) => g.mul(g.cast(a, 'float32'), a) },
  // composites
  { name: 'linear (torch [out,in]) + bias', specs: [f(2, 3, 4), f(5, 4), f(5)], fn: (g, [x, w, b]) => linear(g, x, w, b, 'linear') },
  { name: 'linear (Conv1D [in,out])', specs: [f(2, 3, 4), f(4, 5)], fn: (g, [x, w]) => linear(g, x, w, null, 'conv1d') },
  { name: 'layerNorm', specs: [f(2, 3, 6), f(6), f(6)], fn: (g, [x, w, b]) => layerNorm(g, x, w, b, 1e-5) },
  { name: 'rmsNorm', specs: [f(2, 3, 6), f(6)], fn: (g, [x, w]) => rmsNorm(g, x, w, 1e-6) },
  { name: 'geluTanh', specs: [f(2, 5)], fn: (g, [x]) => geluTanh(g, x) },
  { name: 'silu', specs: [f(2, 5)], fn: (g, [x]) => silu(g, x) },
  { name: 'rope', specs: [f(2, 2, 3, 4), f(3, 4), f(3, 4)], fn: (g, [x, c, s]) => rope(g, x, c, s) },
  {
    name: 'GQA attention, causal + left padding',
    specs: [f(2, 4, 3, 2), f(2, 2, 3, 2), f(2, 2, 3, 2), ints([2, 3], [0, 1, 1, 1, 1, 1])],
    fn: (g, [q, k, v, m]) => attention(g, q, k, v, causalPaddingMask(g, m)),
  },
  {
    name: 'cross-entropy',
    specs: [f(4, 6), ints([4], [5, 0, 2, 2])],
    fn: (g, [l, y]) => crossEntropy(g, l, y),
  },
  {
    name: 'cross-entropy with ignored rows (−100)',
    specs: [f(5, 6), ints([5], [5, -100, 2, -100, 0])],
    fn: (g, [l, y]) => crossEntropy(g, l, y),
  },
  // every maximum appears twice along axis 1: the first occurrence must win, as in ONNX ArgMax
  {
    name: 'argMax axis 1 with tied maxima, as float',
    specs: [f(3, 4, 2)],
    fn: (g, [a]) => g.cast(g.argMax(g.concat([a, a], 1), 1), 'float32'),
  },
];
