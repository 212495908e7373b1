/**
 * The kernels a float64 pool can split, by name, so a worker can run one from a message: each takes
 * its buffers as views and its part of the work (parallel/pool.ts). The kernels live with the
 * algorithm they belong to; this is only the switchboard.
 */
import { accumulateBasisRows, applyRotationLog } from '../eigh-kernels';
import { inverseSqrtRows } from '../inverse-sqrt-kernel';
import { matmulRows } from '../matmul';

export type TaskName = 'basis' | 'rotations' | 'invsqrt' | 'matmul';

const f64 = (b: ArrayBufferLike) => new Float64Array(b);
const i32 = (b: ArrayBufferLike) => new Int32Array(b);

export function runTask(task: TaskName, b: readonly ArrayBufferLike[], p: readonly number[], part: number, parts: number): void {
  switch (task) {
    case 'basis':
      return accumulateBasisRows(f64(b[0]), f64(b[1]), f64(b[2]), p[0], part, parts);
    case 'rotations':
      return applyRotationLog(
        f64(b[0]),
        p[0],
        { l: i32(b[1]), m: i32(b[2]), offset: i32(b[3]), cs: f64(b[4]), sn: f64(b[5]) },
        p[1],
        part,
        parts,
      );
    case 'invsqrt':
      return inverseSqrtRows(f64(b[0]), f64(b[1]), f64(b[2]), p[0], part, parts);
    case 'matmul':
      return matmulRows(
        f64(b[0]),
        f64(b[1]),
        { m: p[0], k: p[1], n: p[2], transA: p[3] === 1, transB: p[4] === 1 },
        f64(b[2]),
        part,
        parts,
      );
    default:
      throw new Error(`float64 pool: unknown task "${task as string}"`);
  }
}
