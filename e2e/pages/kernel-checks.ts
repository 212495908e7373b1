/**
 * Browser-side kernel checks: each WGSL kernel against its float64 twin on shapes that are not
 * multiples of the tile. Runs in the page (WebGPU needs a browser); the Playwright spec asserts.
 */
import { requestGpu } from '../../src/engine/gpu/device';
import { createGpuContext, type GpuContext } from '../../src/engine/gpu/context';
import { maxRelativeError } from '../../src/engine/gpu/compare';
import { readFloat32, uploadBuffer } from '../../src/engine/gpu/buffers';
import { encodeKernel } from '../../src/engine/gpu/dispatch';
import { withErrorScope } from '../../src/engine/gpu/error-scope';
import { EditorKernels } from '../../src/engine/gpu/editor/kernels';
import { bundledEditorShaderSources } from '../../src/engine/gpu/editor/shader-sources.vite';
import { matmul, type MatmulShape } from '../../src/engine/linalg/matmul';
import { columnMoments } from '../../src/engine/linalg/moments';
import { Rng } from '../../src/engine/util/rng';

export interface KernelCheck {
  name: string;
  /** maxRelativeError per output, see src/engine/gpu/compare.ts. */
  errors: Record<string, number>;
  ms: number;
}

export interface HarnessCheck {
  name: string;
  ok: boolean;
  detail: string;
}

function randomMatrix(rng: Rng, n: number, mean = 0, std = 1): Float32Array {
  const x = rng.normals(n, std, new Float32Array(n)) as Float32Array;
  if (mean !== 0) for (let i = 0; i < n; i++) x[i] += mean;
  return x;
}

const MATMUL_CASES: (MatmulShape & { name: string })[] = [
  { name: '37×53·53×29', m: 37, k: 53, n: 29 },
  { name: '37×53·53×29 Aᵀ', m: 37, k: 53, n: 29, transA: true },
  { name: '37×53·53×29 Bᵀ', m: 37, k: 53, n: 29, transB: true },
  { name: '37×53·53×29 AᵀBᵀ', m: 37, k: 53, n: 29, transA: true, transB: true },
  { name: '1×1·1×1', m: 1, k: 1, n: 1 },
  { name: '65×1·1×67 (rank one, two tiles each way)', m: 65, k: 1, n: 67 },
  { name: '130×200·200×70 (K slab remainder 8)', m: 130, k: 200, n: 70 },
  { name: '130×200·200×70 AᵀBᵀ', m: 130, k: 200, n: 70, transA: true, transB: true },
  { name: '1×1000·1000×1 (long dot product)', m: 1, k: 1000, n: 1 },
  { name: '64×64·64×64 (exact tile)', m: 64, k: 64, n: 64 },
  { name: '3×0·0×2 (empty inner dimension → zeros)', m: 3, k: 0, n: 2 },
];

const MOMENTS_CASES: { name: string; n: number; d: number; mean: number; std: number; maxPerDim?: boolean }[] = [
  { name: '1000×17, mean 1e3, std 1', n: 1000, d: 17, mean: 1e3, std: 1 },
  { name: '37×129, mean 0, std 3', n: 37, d: 129, mean: 0, std: 3 },
  { name: '1×5 (single row: M2 = 0)', n: 1, d: 5, mean: 2, std: 1 },
  { name: '3×1', n: 3, d: 1, mean: -4, std: 0.5 },
  { name: '5×1000 with 2D grid split (≤7 workgroups per dimension)', n: 5, d: 1000, mean: 1, std: 1, maxPerDim: true },
];

/** Arrays in, arrays out, through the one wrapper the editor uses (EditorKernels). */
async function gpuMatmulArrays(K: EditorKernels, a: Float32Array, b: Float32Array, s: MatmulShape): Promise<Float32Array> {
  const { device } = K.ctx;
  const [ga, gb, gc] = [uploadBuffer(device, a), uploadBuffer(device, b), K.buffer(s.m * s.n, 'C')];
  const e = device.createCommandEncoder();
  K.matmul(e, ga, gb, gc, s);
  await K.submit(e, 'matmul');
  const c = await readFloat32(device, gc, s.m * s.n);
  for (const x of [ga, gb, gc]) x.destroy();
  return c;
}

async function gpuColumnMomentsArrays(K: EditorKernels, x: Float32Array, n: number, d: number) {
  const { device } = K.ctx;
  const [gx, mean, m2] = [uploadBuffer(device, x), K.buffer(d, 'mean'), K.buffer(d, 'M2')];
  const e = device.createCommandEncoder();
  K.moments(e, gx, n, d, mean, m2);
  await K.submit(e, 'moments');
  const out = { count: n, mean: await readFloat32(device, mean, d), m2: await readFloat32(device, m2, d) };
  for (const b of [gx, mean, m2]) b.destroy();
  return out;
}

export async function runKernelChecks(): Promise<KernelCheck[]> {
  const { device } = await requestGpu();
  const rng = new Rng(20260401);
  const out: KernelCheck[] = [];
  try {
    const ctx = createGpuContext(device, bundledEditorShaderSources);
    const K = await EditorKernels.load(ctx);
    // Same pipelines (shared cache), a grid limit of 7 workgroups per dimension.
    const narrow = await EditorKernels.load({ ...ctx, maxWorkgroupsPerDimension: 7 });
    for (const c of MATMUL_CASES) {
      const a = randomMatrix(rng, c.m * c.k);
      const b = randomMatrix(rng, c.k * c.n);
      const t0 = performance.now();
      const got = await gpuMatmulArrays(K, a, b, c);
      const ms = performance.now() - t0;
      out.push({ name: `matmul ${c.name}`, errors: { C: maxRelativeError(got, matmul(a, b, c)) }, ms });
    }
    for (const c of MOMENTS_CASES) {
      const x = randomMatrix(rng, c.n * c.d, c.mean, c.std);
      const t0 = performance.now();
      const got = await gpuColumnMomentsArrays(c.maxPerDim ? narrow : K, x, c.n, c.d);
      const ms = performance.now() - t0;
      const ref = columnMoments(x, c.n, c.d);
      out.push({
        name: `moments ${c.name}`,
        errors: {
          count: Math.abs(got.count - ref.count),
          mean: maxRelativeError(got.mean, ref.mean),
          M2: maxRelativeError(got.m2, ref.m2),
        },
        ms,
      });
    }
  } finally {
    device.destroy();
  }
  return out;
}

/** The harness's own behaviour: caching, pooling, and errors that name their source. */
export async function runHarnessChecks(): Promise<HarnessCheck[]> {
  const { device } = await requestGpu();
  const checks: HarnessCheck[] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  try {
    const ctx = createGpuContext(device, bundledEditorShaderSources);
    const nt = { shader: 'matmul', constants: { TRANS_A: false, TRANS_B: true } };
    const first = await ctx.pipelines.get(nt);
    const size1 = ctx.pipelines.size;
    const again = await ctx.pipelines.get({ shader: 'matmul', constants: { TRANS_B: true, TRANS_A: false } });
    check(
      'pipeline cache reuses (shader, entry, constants)',
      ctx.pipelines.size === size1 && size1 === 1 && first === again,
      `size ${size1} → ${ctx.pipelines.size}`,
    );
    await ctx.pipelines.get({ shader: 'matmul', constants: { TRANS_A: true, TRANS_B: false } });
    check('a new constant set compiles a new pipeline', ctx.pipelines.size === 2, `size ${ctx.pipelines.size}`);
    ctx.pool.release(ctx.pool.acquire(64, GPUBufferUsage.STORAGE, 'pooled'));
    check('buffer pool holds released buffers', ctx.pool.freeCount > 0, `free ${ctx.pool.freeCount}`);

    const broken = createGpuContext(device, (name) => (name === 'broken' ? 'fn main( {\n' : bundledEditorShaderSources(name)));
    const compileErr = await broken.pipelines.get({ shader: 'broken' }).then(
      () => 'no error',
      (e: Error) => `${e.name}: ${e.message}`,
    );
    check(
      'WGSL syntax error names the shader file and line',
      /GpuShaderError/.test(compileErr) && /broken\.wgsl:\d+:\d+/.test(compileErr),
      compileErr,
    );

    const missingEntry = await ctx.pipelines.get({ shader: 'moments', entry: 'nope' }).then(
      () => 'no error',
      (e: Error) => `${e.name}: ${e.message}`,
    );
    check(
      'missing entry point names shader and entry',
      /GpuShaderError/.test(missingEntry) && /moments/.test(missingEntry) && /nope/.test(missingEntry),
      missingEntry,
    );

    const unknown = await ctx.pipelines.get({ shader: 'no-such-shader' }).then(
      () => 'no error',
      (e: Error) => `${e.name}: ${e.message}`,
    );
    check('unknown shader name lists the ones there are', /no-such-shader/.test(unknown) && /matmul/.test(unknown), unknown);

    // A mappable buffer cannot be bound as storage: the error scope must catch it and name the kernel.
    const pipeline = await ctx.pipelines.get({ shader: 'moments' });
    const bad = device.createBuffer({ size: 64, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const good = device.createBuffer({ size: 64, usage: GPUBufferUsage.STORAGE });
    const dims = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM });
    const label = 'moments (deliberately mis-bound)';
    const validation = await withErrorScope(device, label, () => {
      const encoder = device.createCommandEncoder();
      encodeKernel(device, encoder, { label, pipeline, buffers: [bad, good, good, dims], grid: [1, 1, 1] });
      device.queue.submit([encoder.finish()]);
    }).then(
      () => 'no error',
      (e: Error) => `${e.name}: ${e.message}`,
    );
    check(
      'validation error becomes an exception naming the kernel',
      /GpuValidationError/.test(validation) && /deliberately mis-bound/.test(validation),
      validation,
    );
  } finally {
    device.destroy();
  }
  return checks;
}

export type { GpuContext };
