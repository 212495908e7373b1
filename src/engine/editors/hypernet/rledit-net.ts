/**
 * RLEdit's hypernetwork (docs/design.md §8), the reference's `RLEditNet` of `nets.py` in float64:
 * one network per weight shape (dIn, dOut) of the edited modules, shared by the modules of that
 * shape, which it tells apart by their index m among them (`name2idx`).
 *
 *   h₀ = (z − mean)/(std + ε)                 z = [k | g], the running normalizer ("original")
 *   u  = h A B + bias                          A [S, r], B [r, S], S = dIn + dOut
 *   h' = h + scale[m] ∘ max(u, 0) + shift[m]   per block
 *   (k̃, g̃) = split(h_last, [dIn, dOut])
 *
 * plus the per-module step size lr[m] and log-ridge λ[m] the edit uses (rledit-edit.ts). At its
 * initialisation (B = 0, bias = shift = 0, scale = 1) every block is the identity. The normalizer
 * is no parameter: it is a running statistic merged from every captured batch (editors' Chan merge,
 * linalg/chan.ts, biased batch variance as `x.var(0, unbiased=False)`).
 *
 * torch's clamp(0) passes the gradient where u ≥ 0 (u = 0 included, which is every row at
 * initialisation), so the backward here masks with u ≥ 0, not u > 0.
 */
import { runningStd, type RunningMoments } from '../../linalg/chan';
import { matmul } from '../../linalg/matmul';
import { Rng } from '../../util/rng';

/** float32's machine epsilon: the reference's `torch.finfo(x.dtype).eps` on float32 captures. */
export const NORM_EPS = 1.1920928955078125e-7;

export interface RLEditBlock {
  /** [S, r] */
  A: Float64Array;
  /** [r, S] */
  B: Float64Array;
  /** [S] */
  bias: Float64Array;
  /** [M, S] (an nn.Embedding over the modules of the shape) */
  scale: Float64Array;
  /** [M, S] */
  shift: Float64Array;
}

/** The trainable parameters of one shape's network (what the optimizer updates). */
export interface RLEditParams {
  blocks: RLEditBlock[];
  /** [M] the per-module step size (nn.Embedding(M, 1)). */
  lr: Float64Array;
  /** [M] log of the per-module ridge λ (nn.Embedding(M, 1)). */
  lamda: Float64Array;
}

export interface RLEditShape {
  dIn: number;
  dOut: number;
  rank: number;
  nBlocks: number;
  /** Modules of this shape. */
  modules: number;
}

export function shapeSize(s: RLEditShape): number {
  return s.dIn + s.dOut;
}

/** The reference's initialisation: A ~ N(0, 1), B = 0, bias = 0, scale = 1, shift = 0, lr = lr₀, λ = 0. */
export function initParams(s: RLEditShape, lr0: number, rng: Rng): RLEditParams {
  const S = shapeSize(s);
  const blocks: RLEditBlock[] = [];
  for (let b = 0; b < s.nBlocks; b++)
    blocks.push({
      A: rng.normals(S * s.rank) as Float64Array,
      B: new Float64Array(s.rank * S),
      bias: new Float64Array(S),
      scale: new Float64Array(s.modules * S).fill(1),
      shift: new Float64Array(s.modules * S),
    });
  return { blocks, lr: new Float64Array(s.modules).fill(lr0), lamda: new Float64Array(s.modules) };
}

/** Zeros in the parameters' layout (gradients, Adam moments). */
export function zerosLike(p: RLEditParams): RLEditParams {
  return mapParams(p, (x) => new Float64Array(x.length));
}

/** Every parameter array in a fixed order: the optimizer, the clipping and the file walk them so. */
export function paramArrays(p: RLEditParams): [string, Float64Array][] {
  const out: [string, Float64Array][] = [];
  p.blocks.forEach((b, i) => {
    out.push([`blocks.${i}.A`, b.A], [`blocks.${i}.B`, b.B], [`blocks.${i}.bias`, b.bias]);
    out.push([`blocks.${i}.scale.weight`, b.scale], [`blocks.${i}.shift.weight`, b.shift]);
  });
  out.push(['lr.weight', p.lr], ['lamda.weight', p.lamda]);
  return out;
}

export function mapParams(p: RLEditParams, f: (x: Float64Array) => Float64Array): RLEditParams {
  return {
    blocks: p.blocks.map((b) => ({ A: f(b.A), B: f(b.B), bias: f(b.bias), scale: f(b.scale), shift: f(b.shift) })),
    lr: f(p.lr),
    lamda: f(p.lamda),
  };
}

/** What the backward pass needs of a forward pass. */
export interface NetTape {
  rows: number;
  module: number;
  /** Per block: its input h [N, S], h·A [N, r] and u = h·A·B + bias [N, S]. */
  inputs: Float64Array[];
  ha: Float64Array[];
  u: Float64Array[];
  /** The last block's output [N, S]: k̃ = columns [0, dIn), g̃ = [dIn, S). */
  out: Float64Array;
}

/** The normalized rows h₀ = (z − mean)/(std + ε), z = [K | G] of N rows. */
export function normalizeRows(
  norm: RunningMoments,
  s: RLEditShape,
  keys: ArrayLike<number>,
  grads: ArrayLike<number>,
  N: number,
): Float64Array {
  const S = shapeSize(s);
  const std = runningStd(norm, NORM_EPS);
  const h = new Float64Array(N * S);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < s.dIn; j++) h[i * S + j] = (keys[i * s.dIn + j] - norm.mean[j]) / (std[j] + NORM_EPS);
    for (let j = 0; j < s.dOut; j++) {
      const c = s.dIn + j;
      h[i * S + c] = (grads[i * s.dOut + j] - norm.mean[c]) / (std[c] + NORM_EPS);
    }
  }
  return h;
}

/**
 * Each block's A·B [S, S], for a fixed network (the run-time editor): h·(AB) costs N·S² per block
 * where (h·A)·B costs 2·N·S·r, so it is cheaper wherever r > S/2 (the demo: S 512, r 1024, 4× fewer
 * products). The same values up to rounding (a different association); training keeps (h·A)·B, whose
 * h·A the backward needs.
 */
export function blockProducts(p: RLEditParams, s: RLEditShape): Float64Array[] {
  const S = shapeSize(s);
  return p.blocks.map((b) => matmul(b.A, b.B, { m: S, k: s.rank, n: S }));
}

/** The network on N normalized rows h₀ [N, S] for module m; with `products` (blockProducts) forward only. */
export function netForward(p: RLEditParams, s: RLEditShape, h0: Float64Array, N: number, m: number, products?: Float64Array[]): NetTape {
  const S = shapeSize(s);
  const r = s.rank;
  const tape: NetTape = { rows: N, module: m, inputs: [], ha: [], u: [], out: h0 };
  let h = h0;
  for (const [bi, b] of p.blocks.entries()) {
    const ha = products ? null : matmul(h, b.A, { m: N, k: S, n: r });
    const u = ha ? matmul(ha, b.B, { m: N, k: r, n: S }) : matmul(h, products![bi], { m: N, k: S, n: S });
    const next = new Float64Array(N * S);
    for (let i = 0; i < N; i++)
      for (let j = 0; j < S; j++) {
        const q = i * S + j;
        u[q] += b.bias[j];
        next[q] = h[q] + b.scale[m * S + j] * Math.max(u[q], 0) + b.shift[m * S + j];
      }
    tape.inputs.push(h);
    if (ha) tape.ha.push(ha);
    tape.u.push(u);
    h = next;
  }
  tape.out = h;
  return tape;
}

/**
 * Backward of netForward: given ∂L/∂out [N, S], adds every parameter's gradient into `grads` (lr
 * and λ are untouched here) and returns ∂L/∂h₀ (the normalizer is a statistic, not a parameter).
 */
export function netBackward(p: RLEditParams, s: RLEditShape, tape: NetTape, dOut: Float64Array, grads: RLEditParams): Float64Array {
  const S = shapeSize(s);
  const r = s.rank;
  const N = tape.rows;
  const m = tape.module;
  if (tape.ha.length !== p.blocks.length) throw new Error('netBackward: the tape of a forward-only pass (block products)');
  let dh = dOut;
  for (let bi = p.blocks.length - 1; bi >= 0; bi--) {
    const b = p.blocks[bi];
    const g = grads.blocks[bi];
    const u = tape.u[bi];
    const du = new Float64Array(N * S);
    for (let i = 0; i < N; i++)
      for (let j = 0; j < S; j++) {
        const q = i * S + j;
        const d = dh[q];
        g.shift[m * S + j] += d;
        g.scale[m * S + j] += d * Math.max(u[q], 0);
        du[q] = u[q] >= 0 ? d * b.scale[m * S + j] : 0;
        g.bias[j] += du[q];
      }
    // u = (h A) B: dB = (hA)ᵀ du, d(hA) = du Bᵀ, dA = hᵀ d(hA), dh += d(hA) Aᵀ.
    addInto(g.B, matmul(tape.ha[bi], du, { m: r, k: N, n: S, transA: true }));
    const dha = matmul(du, b.B, { m: N, k: S, n: r, transB: true });
    addInto(g.A, matmul(tape.inputs[bi], dha, { m: S, k: N, n: r, transA: true }));
    const back = matmul(dha, b.A, { m: N, k: r, n: S, transB: true });
    for (let q = 0; q < back.length; q++) back[q] += dh[q];
    dh = back;
  }
  return dh;
}

export function addInto(acc: Float64Array, x: ArrayLike<number>, alpha = 1): void {
  for (let i = 0; i < acc.length; i++) acc[i] += alpha * x[i];
}
