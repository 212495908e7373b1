/**
 * Per-column batch moments of an n×d block on the GPU (shaders/moments.wgsl): count, mean and
 * M2 = Σ(x − mean)². Float64 twin: linalg/moments.ts. The running normalizers merge these
 * Chan-style, so the kernel returns M2 rather than a variance.
 */
import { InputError } from '../../types';
import { readFloat32, storageUsage, uploadBuffer } from '../buffers';
import { runKernel, uniformU32, type GpuContext } from '../context';
import { ceilDiv, splitWorkgroups } from '../dispatch';

const COLS_PER_WORKGROUP = 64;

export interface GpuMoments<T> {
  count: number;
  mean: T;
  m2: T;
}

export async function gpuColumnMoments(
  ctx: GpuContext,
  x: GPUBuffer,
  n: number,
  d: number,
  out?: { mean: GPUBuffer; m2: GPUBuffer },
): Promise<GpuMoments<GPUBuffer>> {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(d) || d < 0)
    throw new InputError('gpuColumnMoments', `n and d must be non-negative integers, got n=${n}, d=${d}`);
  if (x.size < n * d * 4) throw new InputError('gpuColumnMoments X', `buffer holds ${x.size} bytes, ${n}×${d} needs ${n * d * 4}`);
  const mean = out?.mean ?? ctx.pool.acquire(d * 4, storageUsage(), 'moments mean');
  const m2 = out?.m2 ?? ctx.pool.acquire(d * 4, storageUsage(), 'moments M2');
  if (mean.size < d * 4 || m2.size < d * 4) throw new InputError('gpuColumnMoments out', `mean/M2 buffers must hold ${d} floats`);
  if (d === 0) return { count: n, mean, m2 };
  const pipeline = await ctx.pipelines.get({ shader: 'moments' });
  const dims = uniformU32(ctx, [n, d, 0, 0]);
  try {
    await runKernel(ctx, {
      label: `moments ${n}×${d}`,
      pipeline,
      buffers: [x, mean, m2, dims],
      grid: splitWorkgroups(ceilDiv(d, COLS_PER_WORKGROUP), ctx.maxWorkgroupsPerDimension),
    });
  } finally {
    ctx.pool.release(dims);
  }
  return { count: n, mean, m2 };
}

export async function gpuColumnMomentsArrays(ctx: GpuContext, x: Float32Array, n: number, d: number): Promise<GpuMoments<Float32Array>> {
  if (x.length < n * d) throw new InputError('gpuColumnMoments X', `array has ${x.length} values, ${n}×${d} needs ${n * d}`);
  const gx = uploadBuffer(ctx.device, x, storageUsage(), 'moments X');
  try {
    const r = await gpuColumnMoments(ctx, gx, n, d);
    const mean = await readFloat32(ctx.device, r.mean, d, ctx.pool);
    const m2 = await readFloat32(ctx.device, r.m2, d, ctx.pool);
    ctx.pool.release(r.mean);
    ctx.pool.release(r.m2);
    return { count: n, mean, m2 };
  } finally {
    gx.destroy();
  }
}
