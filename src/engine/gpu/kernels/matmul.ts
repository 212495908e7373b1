/**
 * C = op(A)·op(B) on the GPU (shaders/matmul.wgsl); float64 twin: linalg/matmul.ts.
 * Shapes follow MatmulShape: op(A) is m×k, op(B) is k×n; with transA the stored A is [k, m],
 * with transB the stored B is [n, k]. The transposes are override constants: one pipeline each.
 */
import { InputError } from '../../types';
import type { MatmulShape } from '../../linalg/matmul';
import { readFloat32, storageUsage, uploadBuffer } from '../buffers';
import { runKernel, uniformU32, type GpuContext } from '../context';
import { grid2d } from '../dispatch';

const TILE = 64;

export async function gpuMatmul(ctx: GpuContext, a: GPUBuffer, b: GPUBuffer, shape: MatmulShape, out?: GPUBuffer): Promise<GPUBuffer> {
  const { m, k, n } = shape;
  for (const [name, v] of Object.entries({ m, k, n }))
    if (!Number.isInteger(v) || v < 0) throw new InputError('gpuMatmul', `${name} must be a non-negative integer, got ${v}`);
  needBytes('gpuMatmul A', a, m * k);
  needBytes('gpuMatmul B', b, k * n);
  const c = out ?? ctx.pool.acquire(m * n * 4, storageUsage(), 'matmul C');
  needBytes('gpuMatmul C', c, m * n);
  if (m * n === 0) return c;
  const pipeline = await ctx.pipelines.get({
    shader: 'matmul',
    constants: { TRANS_A: Boolean(shape.transA), TRANS_B: Boolean(shape.transB) },
  });
  const dims = uniformU32(ctx, [m, k, n, 0]);
  try {
    await runKernel(ctx, {
      label: `matmul ${m}×${k}·${k}×${n}${shape.transA ? ' Aᵀ' : ''}${shape.transB ? ' Bᵀ' : ''}`,
      pipeline,
      buffers: [a, b, c, dims],
      grid: grid2d(m, n, TILE, TILE, ctx.maxWorkgroupsPerDimension),
    });
  } finally {
    ctx.pool.release(dims);
  }
  return c;
}

/** Convenience for tests and one-off use: arrays in, array out (uploads, runs, reads back). */
export async function gpuMatmulArrays(ctx: GpuContext, a: Float32Array, b: Float32Array, shape: MatmulShape): Promise<Float32Array> {
  const ga = uploadBuffer(ctx.device, a, storageUsage(), 'matmul A');
  const gb = uploadBuffer(ctx.device, b, storageUsage(), 'matmul B');
  try {
    const c = await gpuMatmul(ctx, ga, gb, shape);
    const result = await readFloat32(ctx.device, c, shape.m * shape.n, ctx.pool);
    ctx.pool.release(c);
    return result;
  } finally {
    ga.destroy();
    gb.destroy();
  }
}

function needBytes(what: string, buffer: GPUBuffer, floats: number): void {
  if (buffer.size < floats * 4) throw new InputError(what, `buffer holds ${buffer.size} bytes, the shape needs ${floats * 4}`);
}
