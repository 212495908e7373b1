/**
 * Uniform parameter blocks mixing u32 and f32 words, laid out as the kernels' `Params` structs
 * (every field 4 bytes, padded to 16). Taken from the pool; the caller releases after submit.
 */
import type { GpuContext } from '../context';

export type ParamWord = ['u32' | 'f32', number];

export function uniformParams(ctx: GpuContext, words: ParamWord[]): GPUBuffer {
  const count = Math.max(4, Math.ceil(words.length / 4) * 4);
  const data = new ArrayBuffer(count * 4);
  const view = new DataView(data);
  words.forEach(([kind, v], i) => (kind === 'u32' ? view.setUint32(i * 4, v, true) : view.setFloat32(i * 4, v, true)));
  const buffer = ctx.pool.acquire(data.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, 'editor params');
  ctx.device.queue.writeBuffer(buffer, 0, data);
  return buffer;
}

export const u = (v: number): ParamWord => ['u32', v];
export const f = (v: number): ParamWord => ['f32', v];
