/**
 * The closed forms against a direct transcription of the reference code's formulas (memit_main.py,
 * AlphaEdit_main.py, evaluate.py get_project) in the reference's own layout — keys and residuals as
 * columns, K [dIn, N], resid [dOut, N] — with plain arrays, Gauss–Jordan inverses and Jacobi
 * eigenvectors, on small random cases.
 */
import { describe, expect, it } from 'vitest';
import { relativeError } from '../../linalg/test-matrices';
import { Rng } from '../../util/rng';
import { accumulateKeys, alphaEditDelta, memitDelta, nullSpaceProjector } from './closed-forms';

type M = number[][];
const zeros = (r: number, c: number): M => Array.from({ length: r }, () => new Array(c).fill(0));
const mul = (a: M, b: M): M => a.map((row) => b[0].map((_, j) => row.reduce((s, x, k) => s + x * b[k][j], 0)));
const T = (a: M): M => a[0].map((_, j) => a.map((row) => row[j]));
const add = (a: M, b: M): M => a.map((row, i) => row.map((x, j) => x + b[i][j]));
const scale = (a: M, s: number): M => a.map((row) => row.map((x) => x * s));
const eye = (n: number): M => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
const flat = (a: M) => a.flat();

/** Gauss–Jordan with partial pivoting. */
function inverse(a: M): M {
  const n = a.length;
  const w = a.map((row, i) => [...row, ...eye(n)[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(w[r][c]) > Math.abs(w[p][c])) p = r;
    [w[c], w[p]] = [w[p], w[c]];
    const d = w[c][c];
    w[c] = w[c].map((x) => x / d);
    for (let r = 0; r < n; r++) if (r !== c) w[r] = w[r].map((x, j) => x - w[r][c] * w[c][j]);
  }
  return w.map((row) => row.slice(n));
}

/** Cyclic Jacobi eigendecomposition (columns of V are eigenvectors). */
function jacobi(a: M): { values: number[]; V: M } {
  const n = a.length;
  const A = a.map((r) => [...r]);
  const V = eye(n);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += A[p][q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(A[p][q]) < 1e-300) continue;
        const theta = (A[q][q] - A[p][p]) / (2 * A[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const [akp, akq] = [A[k][p], A[k][q]];
          A[k][p] = c * akp - s * akq;
          A[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const [apk, aqk] = [A[p][k], A[q][k]];
          A[p][k] = c * apk - s * aqk;
          A[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const [vkp, vkq] = [V[k][p], V[k][q]];
          V[k][p] = c * vkp - s * vkq;
          V[k][q] = s * vkp + c * vkq;
        }
      }
  }
  return { values: A.map((r, i) => r[i]), V };
}

function randomMatrix(rng: Rng, r: number, c: number, std = 1): M {
  return Array.from({ length: r }, () => Array.from({ length: c }, () => rng.normal() * std));
}

/** A second moment E[kkᵀ] of `samples` keys with a spread of scales, some directions nearly absent. */
function secondMoment(rng: Rng, d: number, samples: number): M {
  const scales = Array.from({ length: d }, (_, i) => (i % 3 === 0 ? 1e-3 : 0.5 + i / d));
  const X = Array.from({ length: samples }, () => scales.map((s) => rng.normal() * s));
  return scale(mul(T(X), X), 1 / samples);
}

const CASES = [
  { dIn: 7, dOut: 5, N: 3, seed: 1 },
  { dIn: 12, dOut: 4, N: 12, seed: 2 },
  { dIn: 9, dOut: 6, N: 15, seed: 3 },
];

describe.each(CASES)('locate-then-edit closed forms, dIn $dIn dOut $dOut N $N', ({ dIn, dOut, N, seed }) => {
  it('MEMIT: upd = resid · solve(λ·cov + K Kᵀ, K)ᵀ, transposed to [dIn, dOut], ≤ 1e-10 relative', () => {
    const rng = new Rng(seed);
    const K = randomMatrix(rng, dIn, N); // reference layout: keys as columns
    const resid = randomMatrix(rng, dOut, N);
    const cov = secondMoment(rng, dIn, 40);
    const lambda = 15000 / 1000;
    const adjK = mul(inverse(add(scale(cov, lambda), mul(K, T(K)))), K);
    const upd = mul(resid, T(adjK)); // [dOut, dIn]
    const got = memitDelta({ keys: flat(T(K)), resid: flat(T(resid)), rows: N, dIn, dOut }, flat(cov), lambda);
    expect(relativeError(got, flat(T(upd)))).toBeLessThanOrEqual(1e-10);
  });

  it('AlphaEdit: projector from the SVD of cov below the threshold, update = solve(P(KKᵀ + cache_c) + L2·I, P K residᵀ), ≤ 1e-9', () => {
    const rng = new Rng(seed + 10);
    const K = randomMatrix(rng, dIn, N);
    const resid = randomMatrix(rng, dOut, N);
    const cov = secondMoment(rng, dIn, 60);
    const threshold = 2e-2;
    const { values, V } = jacobi(cov);
    const small = values.map((v, i) => [v, i] as const).filter(([v]) => Math.abs(v) < threshold);
    const Us = V.map((row) => small.map(([, i]) => row[i]));
    const P = mul(Us, T(Us));
    const { projector, rank } = nullSpaceProjector(flat(cov), dIn, threshold);
    expect(rank).toBe(small.length);
    expect(rank).toBeGreaterThan(0);
    expect(relativeError(projector, flat(P))).toBeLessThanOrEqual(1e-9);

    const earlier = randomMatrix(rng, dIn, 4);
    const cacheC = mul(earlier, T(earlier));
    const L2 = 10;
    const upd = mul(inverse(add(mul(P, add(mul(K, T(K)), cacheC)), scale(eye(dIn), L2))), mul(mul(P, K), T(resid))); // [dIn, dOut]
    const got = alphaEditDelta({ keys: flat(T(K)), resid: flat(T(resid)), rows: N, dIn, dOut }, flat(P), flat(cacheC), L2);
    expect(relativeError(got, flat(upd))).toBeLessThanOrEqual(1e-9);

    const acc = Float64Array.from(flat(cacheC));
    accumulateKeys(acc, flat(T(K)), N, dIn);
    expect(relativeError(acc, flat(add(cacheC, mul(K, T(K)))))).toBeLessThanOrEqual(1e-12);
  });
});

describe('AlphaEdit null-space property', () => {
  it('a key in the span of the corpus keys with eigenvalues above the threshold is left unchanged: ‖k·ΔW‖ ≤ 1e-10·‖ΔW‖', () => {
    const rng = new Rng(7);
    const [dIn, dOut, N] = [10, 4, 3];
    const cov = secondMoment(rng, dIn, 80);
    const { projector } = nullSpaceProjector(flat(cov), dIn, 2e-2);
    const { values, V } = jacobi(cov);
    const big = values.map((v, i) => [v, i] as const).filter(([v]) => v >= 2e-2);
    const k = V.map((row) => big.reduce((s, [, i], j) => s + row[i] * (j + 1), 0)); // a mix of preserved directions
    const keys = randomMatrix(rng, N, dIn);
    const resid = randomMatrix(rng, N, dOut);
    const delta = alphaEditDelta({ keys: flat(keys), resid: flat(resid), rows: N, dIn, dOut }, projector, new Float64Array(dIn * dIn), 10);
    const out = Array.from({ length: dOut }, (_, c) => k.reduce((s, x, r) => s + x * delta[r * dOut + c], 0));
    const norm = (x: ArrayLike<number>) => Math.sqrt(Array.from(x).reduce((s, v) => s + v * v, 0));
    expect(norm(delta)).toBeGreaterThan(0);
    expect(norm(out)).toBeLessThanOrEqual(1e-10 * norm(delta) * norm(k));
  });
});
