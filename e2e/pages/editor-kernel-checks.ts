/**
 * Browser-side checks of the editor kernels (shaders/editor/*.wgsl) against their float64 twins, on
 * random and ill-conditioned inputs, shapes off the tile, N < d and N > d. Each check carries the
 * tolerance it is held to (max-norm relative error, src/engine/gpu/compare.ts); the spec asserts.
 */
import { requestGpu } from '../../src/engine/gpu/device';
import { createGpuContext } from '../../src/engine/gpu/context';
import { maxRelativeError } from '../../src/engine/gpu/compare';
import { readBuffer, readFloat32, uploadBuffer, writeBuffer } from '../../src/engine/gpu/buffers';
import { EditorKernels, type BatchVariance, type ValuesMode } from '../../src/engine/gpu/editor/kernels';
import { bundledEditorShaderSources } from '../../src/engine/gpu/editor/shader-sources.vite';
import { chanMergeBlock, type RunningMoments } from '../../src/engine/linalg/chan';
import { columnMoments } from '../../src/engine/linalg/moments';
import { mergeScatter } from '../../src/engine/editors/normalizers/whitened-plan';
import { standardizeBlock } from '../../src/engine/editors/normalizers/diagonal-plan';
import { F32_EPS } from '../../src/engine/editors/normalizers/normalizer';
import { runningStd } from '../../src/engine/linalg/chan';
import { valueTargets } from '../../src/engine/editors/values';
import { ridgeSolveDual, ridgeSolvePrimal } from '../../src/engine/linalg/ridge';
import { symmetricEigen } from '../../src/engine/linalg/eigh';
import { inverseSqrtEigh } from '../../src/engine/linalg/inverse-sqrt';
import { spdWithCondition } from '../../src/engine/linalg/test-matrices';
import { JacobiWhitener } from '../../src/engine/gpu/editor/jacobi';
import { gramRows } from '../../src/engine/linalg/syrk';
import { Rng } from '../../src/engine/util/rng';
import { builtinEditors, editorRegistry } from '../../src/engine/editors/registry';
import { ultraeditWhitened } from '../fixtures/throwaway-editor';
import { SyntheticStream } from '../../src/engine/editors/synthetic-stream';
import { GpuEditor } from '../../src/engine/gpu/editor/gpu-editor';
import { createRunEditor } from '../../src/engine/gpu/editor/backend-choice';
import type { EditorOptions, EditorState, StageTimes, TurnResult } from '../../src/engine/editors/editor';
import type { GpuContext } from '../../src/engine/gpu/context';
import { CHOLESKY_CASES, checkCholesky, choleskyKernelChecks } from './cholesky-checks';
import { bindingKernelChecks } from './binding-checks';

export interface EditorKernelCheck {
  name: string;
  errors: Record<string, number>;
  /** Each error must be ≤ this. */
  tolerance: number;
  /** Extra measurements worth printing (not asserted). */
  notes?: Record<string, number>;
}

const f32 = (a: ArrayLike<number>) => Float32Array.from(a);

function matrix(rng: Rng, rows: number, cols: number, colMean: (j: number) => number, colStd: (j: number) => number): Float32Array {
  const x = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) x[i * cols + j] = colMean(j) + colStd(j) * rng.normal();
  return x;
}

export async function runEditorKernelChecks(): Promise<EditorKernelCheck[]> {
  const { device } = await requestGpu();
  const ctx = createGpuContext(device, bundledEditorShaderSources);
  const K = await EditorKernels.load(ctx);
  const rng = new Rng(4404);
  const out: EditorKernelCheck[] = [];
  const up = (a: ArrayLike<number>, label: string) => uploadBuffer(device, f32(a), undefined, label);
  const read = (b: GPUBuffer, n: number) => readFloat32(device, b, n);
  const run = async (label: string, body: (e: GPUCommandEncoder) => void) => {
    const e = device.createCommandEncoder({ label });
    body(e);
    await K.submit(e, label);
  };

  try {
    // 1. Batch moments + Chan merge into running statistics (z columns at an offset).
    for (const c of [
      {
        name: 'biased, 37 rows into n=50, d 40 at offset 96',
        rows: 37,
        d: 40,
        offset: 96,
        nOld: 50,
        variance: 'biased' as BatchVariance,
        mean: 0,
        std: 1,
      },
      {
        name: 'unbiased-batch, 130 rows into n=7, d 96',
        rows: 130,
        d: 96,
        offset: 0,
        nOld: 7,
        variance: 'unbiased-batch' as BatchVariance,
        mean: 0,
        std: 2,
      },
      // mean/std = 1e5: fp32 holds the means to ulp(1e3) ≈ 6e-5, i.e. δ (≈ std) to ~6e-3 relative, and the
      // n·B·δ²/n' term of M2 inherits that. A floor of fp32 storage, not of the kernel.
      {
        name: 'biased, ill-conditioned: mean 1e3, std 1e-2',
        rows: 30,
        d: 40,
        offset: 0,
        nOld: 200,
        variance: 'biased' as BatchVariance,
        mean: 1e3,
        std: 1e-2,
        tol: 2e-3,
      },
    ]) {
      const total = c.offset + c.d;
      const run0: RunningMoments = { n: c.nOld, mean: new Float64Array(total), m2: new Float64Array(total) };
      for (let j = 0; j < total; j++) {
        run0.mean[j] = Math.fround(c.mean + c.std * rng.normal());
        run0.m2[j] = Math.fround(c.nOld * c.std * c.std * (0.5 + rng.uniform()));
      }
      const x = matrix(
        rng,
        c.rows,
        c.d,
        () => c.mean,
        (j) => c.std * (1 + (j % 4)),
      );
      const gx = up(x, 'x'),
        gMean = up(run0.mean, 'mean'),
        gM2 = up(run0.m2, 'm2');
      const bMean = K.buffer(c.d, 'bmean'),
        bM2 = K.buffer(c.d, 'bm2'),
        gDelta = K.buffer(c.d, 'delta');
      await run('chan', (e) => {
        K.moments(e, gx, c.rows, c.d, bMean, bM2);
        K.chanMerge(e, { mean: bMean, m2: bM2 }, { mean: gMean, m2: gM2 }, gDelta, {
          d: c.d,
          offset: c.offset,
          nOld: c.nOld,
          rows: c.rows,
          variance: c.variance,
        });
      });
      const ref = { n: run0.n, mean: run0.mean.slice(), m2: run0.m2.slice() };
      const refDelta = chanMergeBlock(ref, columnMoments(x, c.rows, c.d), c.offset, c.variance);
      const gotMean = await read(gMean, total),
        gotM2 = await read(gM2, total),
        gotDelta = await read(gDelta, c.d);
      out.push({
        name: `chan merge ${c.name}`,
        // δ cancels (batch mean − running mean): measure it against the mean's scale.
        errors: {
          mean: maxRelativeError(gotMean, ref.mean),
          M2: maxRelativeError(gotM2, ref.m2),
          delta: maxAbs(gotDelta, refDelta) / Math.max(c.std, maxAbsOf(ref.mean)),
        },
        tolerance: c.tol ?? 1e-5,
      });
      for (const b of [gx, gMean, gM2]) b.destroy();
    }

    // 2. Value-gradient scatter S += Σ(g − ḡ)(g − ḡ)ᵀ + coef·δδᵀ.
    for (const c of [
      { name: 'N 30 < d 40', rows: 30, d: 40, mean: 0.01, std: 1e-3 },
      { name: 'N 130 > d 40', rows: 130, d: 40, mean: 0, std: 1 },
      { name: 'ill-conditioned: mean 1e2, column std 1e-3..1', rows: 57, d: 33, mean: 1e2, std: -1 },
    ]) {
      const g = matrix(
        rng,
        c.rows,
        c.d,
        () => c.mean,
        (j) => (c.std > 0 ? c.std : Math.pow(10, -3 + (3 * j) / (c.d - 1))),
      );
      const s0 = new Float64Array(c.d * c.d);
      const seed = matrix(
        rng,
        5,
        c.d,
        () => 0,
        () => 1,
      );
      mergeScatter(s0, seed, 5, c.d, new Float64Array(c.d), new Float64Array(c.d), 0);
      const s0f = Float64Array.from(f32(s0));
      const bm = columnMoments(g, c.rows, c.d).mean;
      const delta = Float64Array.from(f32(Array.from(bm, (v) => v - c.mean * 0.9)));
      const coef = (40 * c.rows) / (40 + c.rows);
      const gg = up(g, 'g'),
        gbm = up(bm, 'bm'),
        gd = up(delta, 'delta'),
        gs = up(s0f, 'S');
      await run('scatter', (e) => K.scatter(e, gg, gbm, gd, gs, c.rows, c.d, coef));
      const ref = s0f.slice();
      mergeScatter(ref, g, c.rows, c.d, Float64Array.from(f32(bm)), delta, coef);
      const got = await read(gs, c.d * c.d);
      let asym = 0;
      for (let i = 0; i < c.d; i++) for (let j = 0; j < c.d; j++) asym = Math.max(asym, Math.abs(got[i * c.d + j] - got[j * c.d + i]));
      out.push({ name: `scatter ${c.name}`, errors: { S: maxRelativeError(got, ref), asymmetry: asym }, tolerance: 1e-5 });
      for (const b of [gg, gbm, gd, gs]) b.destroy();
    }

    // 4. Row-wise V = −lr‖k̂‖²ĝ with the diagonal normalization fused.
    for (const c of [
      { name: 'diagonal, N 30, d_in 96, d_out 40', mode: 'diagonal' as ValuesMode, rows: 30 },
      { name: 'whitened ĝ given, N 130', mode: 'whitened' as ValuesMode, rows: 130 },
      { name: 'raw (no-ln), N 7', mode: 'raw' as ValuesMode, rows: 7 },
    ]) {
      const dIn = 96,
        dOut = 40,
        n = 523,
        lr = 2e-3;
      const keys = matrix(
        rng,
        c.rows,
        dIn,
        (j) => 0.5 * (j % 3),
        (j) => 1 + (j % 5) * 0.3,
      );
      const grads = matrix(
        rng,
        c.rows,
        dOut,
        (j) => 1e-5 * j,
        () => 1e-3,
      );
      const mean = f32(Array.from({ length: dIn + dOut }, (_, j) => (j < dIn ? 0.5 * (j % 3) : 1e-5 * (j - dIn)) + 0.01 * rng.normal()));
      const m2 = f32(
        Array.from({ length: dIn + dOut }, (_, j) => (n - 1) * (j < dIn ? (1 + (j % 5) * 0.3) ** 2 : 1e-6) * (0.8 + 0.4 * rng.uniform())),
      );
      const st = { n, mean: Float64Array.from(mean), m2: Float64Array.from(m2) };
      const std = runningStd(st, F32_EPS);
      const kHat = c.mode === 'raw' ? keys : standardizeBlock(keys, c.rows, dIn, st.mean, std, 0);
      const gHat = c.mode === 'diagonal' ? standardizeBlock(grads, c.rows, dOut, st.mean, std, dIn) : grads;
      const ref = valueTargets(kHat, gHat, c.rows, dIn, dOut, lr);
      const gk = up(keys, 'k'),
        gg = up(grads, 'g'),
        gm = up(mean, 'mean'),
        gm2 = up(m2, 'm2'),
        gv = K.buffer(c.rows * dOut, 'V');
      await run('values', (e) => K.values(e, c.mode, gk, gg, gm, gm2, gv, { rows: c.rows, dIn, dOut, n, lr, eps: F32_EPS }));
      out.push({ name: `values ${c.name}`, errors: { V: maxRelativeError(await read(gv, c.rows * dOut), ref) }, tolerance: 1e-5 });
      for (const b of [gk, gg, gm, gm2]) b.destroy();
    }

    // 5. Ridge solve, dual and primal, against the float64 twins.
    // Tolerances: the form the editor picks (dual when N < d_in, else primal) 1e-5 on well-conditioned
    // keys; the other form factors the larger, rank-deficient-plus-λ matrix (κ ≈ σ²max/λ), 1e-4; the
    // ill-conditioned case (κ of the system noted) 1e-2, the fp32 floor being ≈ κ·ε.
    for (const c of [
      { name: 'N 30 < d_in 96, λ 10', rows: 30, dIn: 96, dOut: 40, lambda: 10, keyStd: (j: number) => 1 + (j % 5) * 0.3, tol: 1e-5 },
      { name: 'N 130 > d_in 96, λ 1', rows: 130, dIn: 96, dOut: 40, lambda: 1, keyStd: (j: number) => 1 + (j % 5) * 0.3, tol: 1e-5 },
      {
        name: 'ill-conditioned keys (column scales 1e-3..10), N 61, λ 1e-2',
        rows: 61,
        dIn: 96,
        dOut: 40,
        lambda: 1e-2,
        keyStd: (j: number) => Math.pow(10, -3 + (4 * j) / 95),
        tol: 1e-2,
      },
    ]) {
      const keys = matrix(rng, c.rows, c.dIn, (j) => 0.2 * (j % 3), c.keyStd);
      const v = matrix(
        rng,
        c.rows,
        c.dOut,
        () => 0,
        () => 1e-3,
      );
      const shape = { rows: c.rows, dIn: c.dIn, dOut: c.dOut };
      const refDual = ridgeSolveDual(keys, v, shape, c.lambda);
      const refPrimal = ridgeSolvePrimal(keys, v, shape, c.lambda);
      const errors: Record<string, number> = {};
      const notes = {
        'dual vs primal (f64 twins)': maxRelativeError(refDual, refPrimal),
        'κ(KKᵀ+λI)': (Math.max(...symmetricEigen(gramRows(keys, c.rows, c.dIn), c.rows).values) + c.lambda) / c.lambda,
      };
      for (const form of ['dual', 'primal'] as const) {
        const big = Math.max(c.rows, c.dIn);
        const gk = up(keys, 'K'),
          gv = up(v, 'V'),
          gd = K.buffer(c.dIn * c.dOut, 'ΔW');
        const work = { a: K.buffer(big * big, 'A'), x: K.buffer(big * c.dOut, 'X'), info: K.buffer(4, 'info') };
        await run('ridge', (e) => K.ridge(e, form, gk, gv, gd, work, { ...shape, lambda: c.lambda }));
        const info = new Uint32Array(await readBuffer(device, work.info, 4))[0];
        const picked = (form === 'dual') === c.rows < c.dIn;
        errors[`ΔW ${form}${picked ? '' : ' (other form)'}`] =
          info === 0 ? maxRelativeError(await read(gd, c.dIn * c.dOut), form === 'dual' ? refDual : refPrimal) : Infinity;
        for (const b of [gk, gv]) b.destroy();
      }
      const otherTol = Math.max(c.tol, 1e-4);
      for (const [k, v] of Object.entries(errors))
        out.push({ name: `ridge ${c.name}: ${k}`, errors: { [k]: v }, tolerance: k.includes('other') ? otherTol : c.tol, notes });
    }

    // The blocked Cholesky and triangular solves against the float64 twin (./cholesky-checks.ts).
    for (const c of CHOLESKY_CASES) out.push(...choleskyKernelChecks(await checkCholesky(K, c)));

    // Cholesky reports the first non-positive pivot instead of returning garbage silently, in the first
    // block or a later one.
    for (const { n, bad } of [
      { n: 5, bad: 3 },
      { n: 70, bad: 50 },
    ]) {
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) a[i * n + i] = i === bad ? -1 : 2;
      const ga = up(a, 'A'),
        info = K.buffer(4, 'info');
      await run('cholesky indefinite', (e) => K.cholesky(e, ga, info, n));
      const got = new Uint32Array(await readBuffer(device, info, 4))[0];
      out.push({
        name: `cholesky flags pivot ${bad} of an indefinite ${n}×${n} matrix (info = ${bad + 1})`,
        errors: { info: Math.abs(got - bad - 1) },
        tolerance: 0,
      });
      K.bindings.forget(ga);
      ga.destroy();
    }

    // Bind groups and parameter blocks once per shape (./binding-checks.ts), on this page's pipelines.
    out.push(...(await bindingKernelChecks(ctx)));
  } finally {
    device.destroy();
  }
  return out;
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return Number.isNaN(m) ? NaN : m;
}

function maxAbsOf(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export interface EigenCase {
  name: string;
  d: number;
  /** Σ: eigenvalues log-spaced from lambdaMax down to lambdaMax/kappa, or (rank set) a scatter of `rank` rows. */
  kappa?: number;
  lambdaMax?: number;
  rank?: number;
  /** Whiten Σ, then Σ + a small rank-8 update from the previous basis, like consecutive turns. */
  warm?: boolean;
}

export interface EigenCheck {
  name: string;
  /** Σ^{-1/2} max-norm relative error against the float64 eigh of the same (f32) Σ, cold then warm. */
  invSqrtCold: number;
  invSqrtWarm: number | null;
  /** Worst |λ − λ_ref| / max(λ_ref, 1e-6) over the spectrum. */
  eigenvalues: number;
  sweepsCold: number;
  sweepsWarm: number | null;
  /** Cold GPU solve (encode, run, read back) and the float64 eigh of the same Σ, same page, ms. */
  ms: number;
  msFloat64: number;
  /** Warm GPU solve, ms. */
  msWarm: number | null;
}

/** The WGSL Jacobi whitening against the float64 eigendecomposition with its 1e-6 clamp. */
export async function runEigenChecks(cases: EigenCase[]): Promise<EigenCheck[]> {
  const { device } = await requestGpu();
  const ctx = createGpuContext(device, bundledEditorShaderSources);
  const K = await EditorKernels.load(ctx);
  const jacobi = await JacobiWhitener.create(K);
  const rng = new Rng(1717);
  const out: EigenCheck[] = [];
  const sigmaOf = (c: EigenCase): Float64Array => {
    if (c.rank === undefined) return spdWithCondition(c.d, c.kappa!, c.lambdaMax ?? 1, rng).a;
    const g = matrix(
      rng,
      c.rank,
      c.d,
      () => 0,
      (j) => 0.1 * (1 + (j % 7)),
    );
    const s = new Float64Array(c.d * c.d);
    mergeScatter(s, g, c.rank, c.d, columnMoments(g, c.rank, c.d).mean, new Float64Array(c.d), 0);
    return s;
  };
  // One Σ buffer per case, as the editor keeps one per shape: the whitener warm-starts on it.
  const covs = new Map<string, GPUBuffer>();
  const solve = async (key: string, cov32: Float32Array, d: number, scale: number) => {
    const cov = covs.get(key) ?? covs.set(key, K.buffer(d * d, 'Σ')).get(key)!;
    writeBuffer(device, cov, cov32);
    const invSqrt = K.buffer(d * d, 'Σ^-1/2');
    const eigenvalues = K.buffer(d, 'λ');
    const e = device.createCommandEncoder();
    const t0 = performance.now();
    jacobi.whiten({ encoder: () => e, submit: async () => {} }, { key, cov, d, scale, invSqrt, eigenvalues });
    await K.submit(e, `jacobi ${key}`);
    const got = await readFloat32(device, invSqrt, d * d);
    const ms = performance.now() - t0;
    const lambda = await readFloat32(device, eigenvalues, d);
    return { got, lambda, ms, sweeps: await jacobi.sweeps(key) };
  };
  try {
    for (const c of cases) {
      const d = c.d;
      // The editor hands over S and 1/(n − d − 1 + ε); here S = 37·Σ and the reference divides in float64.
      const s32 = Float32Array.from(sigmaOf(c), (v) => 37 * v);
      const t64 = performance.now();
      const ref = inverseSqrtEigh(
        Float64Array.from(s32, (v) => v / 37),
        d,
      );
      const msFloat64 = performance.now() - t64;
      const cold = await solve(c.name, s32, d, 1 / 37);
      const sorted = Float64Array.from(cold.lambda).sort();
      let eigErr = 0;
      for (let i = 0; i < d; i++)
        eigErr = Math.max(eigErr, Math.abs(sorted[i] - ref.eigen.values[i]) / Math.max(ref.eigen.values[i], 1e-6));
      const r: EigenCheck = {
        name: c.name,
        invSqrtCold: maxRelativeError(cold.got, ref.invSqrt),
        invSqrtWarm: null,
        eigenvalues: eigErr,
        sweepsCold: cold.sweeps,
        sweepsWarm: null,
        ms: cold.ms,
        msFloat64,
        msWarm: null,
      };
      if (c.warm) {
        // The next turn, as a run sees it: Σ' = 0.95·Σ + 0.05·(1/8)Σ_r g_r g_rᵀ with 8 new rows g = z·Σ^{1/2}
        // drawn from Σ itself, so Σ moves by a few percent in every direction, small eigenvalues included.
        const { values: lam, vectors: u } = ref.eigen;
        const next = Float64Array.from(s32, (v) => (0.95 * v) / 37);
        for (let r = 0; r < 8; r++) {
          const g = new Float64Array(d);
          for (let j = 0; j < d; j++) {
            const z = rng.normal() * Math.sqrt(Math.max(lam[j], 0));
            for (let i = 0; i < d; i++) g[i] += z * u[j * d + i];
          }
          for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) next[i * d + j] += (0.05 / 8) * g[i] * g[j];
        }
        const n32 = Float32Array.from(next, (v) => 37 * v);
        const warm = await solve(c.name, n32, d, 1 / 37);
        r.invSqrtWarm = maxRelativeError(
          warm.got,
          inverseSqrtEigh(
            Float64Array.from(n32, (v) => v / 37),
            d,
          ).invSqrt,
        );
        r.sweepsWarm = warm.sweeps;
        r.msWarm = warm.ms;
      }
      out.push(r);
    }
  } finally {
    jacobi.dispose();
    device.destroy();
  }
  return out;
}

export interface GpuEditorCheck {
  editor: string;
  turns: number;
  /** Worst over turns and modules: ΔW max-norm relative error, and each diagnostic's relative error. */
  worst: Record<string, number>;
  /** The NaN turn: the error message, and whether the turn index stayed put. */
  nanError: string;
  nanTurnKept: boolean;
  /** What createRunEditor chose for a model on WebGPU, and its fallback reason (null: none). */
  backend: 'gpu' | 'cpu';
  fallback: string | null;
  /** How the GPU stage times were measured, and whether every turn that did GPU work reported finite, non-negative ones summing to > 0. */
  timing: string;
  timesOk: boolean;
  /** Mean per turn over the stream, ms: statistics, whitening, solve (all modules). */
  stageMs: StageTimes;
}

/** The built-in editors plus a throwaway one added the documented way: one file, one line. */
const registry = editorRegistry([...builtinEditors, ultraeditWhitened]);

/**
 * Editor settings both GPU checks use (UltraEdit's own λ = 1; StableEdit's 10 for the rest); the NIW
 * prior is strong (ν₀ > d_out + 1), so it whitens from the first turn after warm-up, and off-centre.
 */
function checkOptions(name: string): EditorOptions {
  const niw = name === 'stableedit-niw' ? { mu0: 2e-4, kappa0: 5, nu0: 60, psi0: 1e-6 } : undefined;
  return { lr: 0.05, ridge: name.startsWith('ultraedit') ? 1 : 10, niw };
}

const createEditor = (name: string, options: EditorOptions) => registry.definition(name).create(options);
const createGpuEditor = (name: string, options: EditorOptions, ctx: GpuContext) => GpuEditor.create(name, options, ctx, { registry });

/**
 * A 20-turn synthetic stream (two modules sharing a shape plus one of another shape; N alternating
 * below and above d_in, so both ridge forms run) through the GPU editor and the float64 editor side
 * by side. Turn 7 carries a NaN in one module's gradients: both must refuse it, and the turns after
 * it must still agree (the refused turn changed no statistics).
 */
export async function runGpuEditorChecks(names: string[]): Promise<GpuEditorCheck[]> {
  const { device } = await requestGpu();
  const ctx = createGpuContext(device, bundledEditorShaderSources);
  const results: GpuEditorCheck[] = [];
  try {
    for (const name of names) {
      const options = checkOptions(name);
      const cpu = createEditor(name, options);
      // Built the way a run builds it: the model is on WebGPU, so the editor math must be too.
      const run = await createRunEditor({ editor: name, modelBackend: 'webgpu', gpu: true, ctx, options, registry });
      const gpu = run.editor;
      const stream = new SyntheticStream(
        [
          { module: 'layers.0.down_proj', dIn: 96, dOut: 40 },
          { module: 'layers.1.down_proj', dIn: 96, dOut: 40 },
          { module: 'h.2.c_proj', dIn: 50, dOut: 17 },
        ],
        77,
      );
      const worst: Record<string, number> = {};
      let nanError = '';
      let nanTurnKept = false;
      let timesOk = true;
      const stageMs: StageTimes = { stats: 0, whitening: 0, solve: 0 };
      for (let t = 0; t < 20; t++) {
        const caps = stream.turn(t % 2 ? [40, 37, 30, 23] : [13, 9, 11]);
        const input = { subBatches: caps, warmup: t < 2, statisticsOnly: t === 4 };
        if (t === 7) {
          const bad = caps.map((sb) => sb.map((c) => ({ ...c, grads: c.grads.slice() })));
          bad[1][1].grads[5] = NaN;
          const before = gpu.turnIndex;
          nanError = await Promise.resolve()
            .then(() => gpu.turn({ subBatches: bad }))
            .then(
              () => 'no error',
              (e: Error) => e.message,
            );
          nanTurnKept =
            gpu.turnIndex === before &&
            (() => {
              try {
                cpu.turn({ subBatches: bad });
                return false;
              } catch {
                return true;
              }
            })();
        }
        const got = await gpu.turn(input);
        compareTurns(worst, await cpu.turn(input), got);
        let sum = 0;
        for (const m of got.diagnostics.modules)
          for (const k of ['stats', 'whitening', 'solve'] as const) {
            const v = m.timeMs[k];
            if (!(Number.isFinite(v) && v >= 0)) timesOk = false;
            stageMs[k] += v / 20;
            sum += v;
          }
        // A statistics-only turn of an editor without statistics does no GPU work at all.
        if (!(sum > 0) && !(input.statisticsOnly && !registry.definition(name).spec.statistics)) timesOk = false;
      }
      gpu.dispose?.();
      results.push({
        editor: name,
        turns: 20,
        worst,
        nanError,
        nanTurnKept,
        backend: run.backend,
        fallback: run.fallback,
        timing: gpu instanceof GpuEditor ? gpu.timing : 'cpu',
        timesOk,
        stageMs,
      });
    }
  } finally {
    device.destroy();
  }
  return results;
}

/** Worst-so-far errors of `got` against the float64 `want`: ΔW max-norm relative, diagnostics relative, cosine absolute. */
function compareTurns(worst: Record<string, number>, want: TurnResult, got: TurnResult): void {
  const bump = (k: string, v: number) => (worst[k] = Math.max(worst[k] ?? 0, Number.isNaN(v) ? Infinity : v));
  const rel = (a: number | null, b: number | null) =>
    a === null || b === null ? (a === b ? 0 : Infinity) : Math.abs(a - b) / Math.max(Math.abs(b), 1e-30);
  for (const m of want.diagnostics.modules) {
    const g = got.diagnostics.modules.find((x) => x.module === m.module)!;
    const wd = want.deltas.get(m.module),
      gd = got.deltas.get(m.module);
    if (wd || gd) bump('ΔW', wd && gd ? maxRelativeError(gd.delta, wd.delta) : Infinity);
    bump('‖ΔW‖', rel(g.deltaNorm, m.deltaNorm));
    bump(
      'cos(ΔW, ΔW_prev) abs',
      m.cosinePrev === null || g.cosinePrev === null
        ? m.cosinePrev === g.cosinePrev
          ? 0
          : Infinity
        : Math.abs(g.cosinePrev - m.cosinePrev),
    );
    bump('λmax', rel(g.lambdaMax, m.lambdaMax));
    bump('κ', rel(g.conditionNumber, m.conditionNumber));
    bump('mean drift', rel(g.meanDrift, m.meanDrift));
    bump('cov drift', rel(g.covDrift, m.covDrift));
    bump('same Σ kind and solve form', g.sigma === m.sigma && g.solve === m.solve && g.rows === m.rows ? 0 : Infinity);
  }
}

export interface CheckpointCheck {
  editor: string;
  /** Same shape records, keys and array lengths as the float64 editor's saveState. */
  sameLayout: boolean;
  /** Next turn after GPU save → CPU load, and after CPU save → GPU load, vs the uninterrupted CPU editor. */
  gpuToCpu: Record<string, number>;
  cpuToGpu: Record<string, number>;
}

/**
 * 12 turns of the synthetic stream on both backends (warm-up, statistics-only and whitened turns
 * included), then each saves; a fresh editor of the other backend loads the state (structured-cloned,
 * as a checkpoint would be) and its next turn is compared with the uninterrupted float64 editor.
 */
export async function runCheckpointChecks(names: string[]): Promise<CheckpointCheck[]> {
  const { device } = await requestGpu();
  const ctx = createGpuContext(device, bundledEditorShaderSources);
  const results: CheckpointCheck[] = [];
  try {
    for (const name of names) {
      const options = checkOptions(name);
      const cpu = createEditor(name, options);
      const gpu = await createGpuEditor(name, options, ctx);
      const stream = new SyntheticStream(
        [
          { module: 'layers.0.down_proj', dIn: 96, dOut: 40 },
          { module: 'h.2.c_proj', dIn: 50, dOut: 17 },
        ],
        91,
      );
      for (let t = 0; t < 12; t++) {
        const input = { subBatches: stream.turn(t % 2 ? [40, 37, 30] : [13, 9, 11]), warmup: t < 2, statisticsOnly: t === 4 };
        cpu.turn(input);
        await gpu.turn(input);
      }
      const gpuState = structuredClone(await gpu.saveState());
      const cpuState = structuredClone(cpu.saveState());
      const layout = (st: EditorState) =>
        JSON.stringify(
          Object.entries(st.shapes)
            .sort()
            .map(([k, r]) => [
              k,
              Object.entries(r)
                .sort()
                .map(([f, v]) => [f, typeof v === 'number' ? 'number' : v.length]),
            ]),
        ) + JSON.stringify([st.turn, Object.keys(st.memory?.deltas ?? {}).sort(), Object.keys(st.memory?.plans ?? {}).sort()]);
      const cpuResumed = createEditor(name, options);
      cpuResumed.loadState(gpuState);
      const gpuResumed = await createGpuEditor(name, options, ctx);
      await gpuResumed.loadState(cpuState);
      const next = { subBatches: stream.turn([30, 26]) };
      const want = cpu.turn(next);
      const gpuToCpu: Record<string, number> = {};
      const cpuToGpu: Record<string, number> = {};
      compareTurns(gpuToCpu, want, cpuResumed.turn(next));
      compareTurns(cpuToGpu, want, await gpuResumed.turn(next));
      gpu.dispose();
      gpuResumed.dispose();
      results.push({ editor: name, sameLayout: layout(gpuState) === layout(cpuState), gpuToCpu, cpuToGpu });
    }
  } finally {
    device.destroy();
  }
  return results;
}
