/**
 * Representation drift (the paper's Fig. 3 / Obs. 5, docs/design.md §2): the final-layer hidden state
 * at the last prompt token of a fixed, seeded set of prompts, before editing and as the model stands,
 * compared by two numbers:
 *
 *   mean cosine  = mean_i cos(x_i, y_i)                       (each prompt's pre-edit and current state)
 *   linear CKA   = ‖Yᶜᵀ Xᶜ‖_F² / (‖Xᶜᵀ Xᶜ‖_F · ‖Yᶜᵀ Yᶜ‖_F)  (Kornblith et al. 2019; Xᶜ, Yᶜ column-centred)
 *
 * The state is the residual stream leaving the last block, before the final norm (what the runtime's
 * lookup reads; the norm rescales each row, which cosine ignores and CKA nearly does). CKA's products
 * are taken in whichever of the d×d (features) or n×n (Gram, ‖YᵀX‖² = tr(XXᵀ·YYᵀ)) forms is smaller.
 */
import type { TextTokenizer } from '../types';
import type { ModelRuntime } from '../runtime/runtime';
import { rowsBatch } from '../run/batching';
import { matmul } from '../linalg/matmul';

export interface HiddenStates {
  /** Prompts (rows). */
  n: number;
  /** Hidden size (columns). */
  dim: number;
  /** [n, dim] row-major. */
  data: Float32Array;
}

export interface DriftSummary {
  meanCosine: number;
  cka: number;
  /** Prompts compared. */
  records: number;
}

/** The last block's output at each prompt's last token (prompts encoded with special tokens). */
export async function finalStates(
  runtime: ModelRuntime,
  tok: TextTokenizer,
  prompts: readonly string[],
  batch = 16,
): Promise<HiddenStates> {
  const dim = runtime.spec.hidden;
  const layer = runtime.spec.layers - 1;
  const data = new Float32Array(prompts.length * dim);
  for (let s = 0; s < prompts.length; s += batch) {
    const ids = prompts.slice(s, s + batch).map((p) => tok.encode(p, true));
    const sb = rowsBatch(
      ids.map((x) => ({ ids: x })),
      ids.map((_, b) => s + b),
    );
    const positions = Int32Array.from(ids, (x, b) => b * sb.seqLen + x.length - 1);
    const { blocks } = await runtime.lookup(sb, positions, [], [layer]);
    data.set(blocks.get(layer)!, s * dim);
  }
  return { n: prompts.length, dim, data };
}

export function meanCosine(x: HiddenStates, y: HiddenStates): number {
  checkShapes(x, y);
  let total = 0;
  for (let i = 0; i < x.n; i++) {
    let xy = 0;
    let xx = 0;
    let yy = 0;
    for (let j = i * x.dim; j < (i + 1) * x.dim; j++) {
      xy += x.data[j] * y.data[j];
      xx += x.data[j] * x.data[j];
      yy += y.data[j] * y.data[j];
    }
    total += xx > 0 && yy > 0 ? xy / Math.sqrt(xx * yy) : 0;
  }
  return total / x.n;
}

function centred(h: HiddenStates): Float64Array {
  const out = Float64Array.from(h.data);
  for (let j = 0; j < h.dim; j++) {
    let m = 0;
    for (let i = 0; i < h.n; i++) m += out[i * h.dim + j];
    m /= h.n;
    for (let i = 0; i < h.n; i++) out[i * h.dim + j] -= m;
  }
  return out;
}

function frobenius2(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return s;
}

export function linearCka(x: HiddenStates, y: HiddenStates): number {
  checkShapes(x, y);
  const { n, dim: d } = x;
  const X = centred(x);
  const Y = centred(y);
  let cross: number;
  let xx: number;
  let yy: number;
  if (d <= n) {
    cross = frobenius2(matmul(Y, X, { m: d, k: n, n: d, transA: true }));
    xx = Math.sqrt(frobenius2(matmul(X, X, { m: d, k: n, n: d, transA: true })));
    yy = Math.sqrt(frobenius2(matmul(Y, Y, { m: d, k: n, n: d, transA: true })));
  } else {
    const kx = matmul(X, X, { m: n, k: d, n, transB: true });
    const ky = matmul(Y, Y, { m: n, k: d, n, transB: true });
    cross = 0;
    for (let i = 0; i < kx.length; i++) cross += kx[i] * ky[i]; // tr(Kx·Ky), both symmetric
    xx = Math.sqrt(frobenius2(kx));
    yy = Math.sqrt(frobenius2(ky));
  }
  return xx > 0 && yy > 0 ? cross / (xx * yy) : NaN;
}

export function drift(pre: HiddenStates, now: HiddenStates): DriftSummary {
  return { meanCosine: meanCosine(pre, now), cka: linearCka(pre, now), records: pre.n };
}

function checkShapes(x: HiddenStates, y: HiddenStates) {
  if (x.n !== y.n || x.dim !== y.dim) throw new Error(`hidden states [${x.n}, ${x.dim}] and [${y.n}, ${y.dim}] differ in shape`);
}
