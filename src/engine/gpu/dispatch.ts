/**
 * Workgroup-count math and kernel dispatch. A 1D problem whose workgroup count exceeds
 * maxComputeWorkgroupsPerDimension (65535 by default) is split into an x·y grid with
 * x·y ≥ count; kernels recover the linear index as wg.y · num_workgroups.x + wg.x and skip
 * indices ≥ count.
 */
export function ceilDiv(a: number, b: number): number {
  if (!(b > 0)) throw new RangeError(`ceilDiv: divisor must be positive, got ${b}`);
  return Math.ceil(a / b);
}

export type Grid = [number, number, number];

export function splitWorkgroups(count: number, maxPerDim: number): Grid {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`workgroup count must be a non-negative integer, got ${count}`);
  if (count <= maxPerDim) return [count, 1, 1];
  const y = ceilDiv(count, maxPerDim);
  if (y > maxPerDim) throw new RangeError(`${count} workgroups exceed ${maxPerDim}² (2D split limit)`);
  // Balanced: x = ⌈count / y⌉ wastes fewer than y workgroups.
  return [ceilDiv(count, y), y, 1];
}

/** 2D grid for a (rows, cols) output tiled tileRows×tileCols; x runs over column tiles. */
export function grid2d(rows: number, cols: number, tileRows: number, tileCols: number, maxPerDim: number): Grid {
  const x = ceilDiv(cols, tileCols);
  const y = ceilDiv(rows, tileRows);
  if (x > maxPerDim || y > maxPerDim)
    throw new RangeError(`${rows}×${cols} needs a ${x}×${y} workgroup grid; the device allows ${maxPerDim} per dimension`);
  return [x, y, 1];
}

export interface KernelCall {
  label: string;
  pipeline: GPUComputePipeline;
  /** Buffers bound at group 0, binding = array index. */
  buffers: GPUBuffer[];
  grid: Grid;
}

/** Records one dispatch into an existing encoder (for batching many kernels per submit). */
export function encodeKernel(device: GPUDevice, encoder: GPUCommandEncoder, call: KernelCall): void {
  if (call.grid[0] * call.grid[1] * call.grid[2] === 0) return;
  const bindGroup = device.createBindGroup({
    label: call.label,
    layout: call.pipeline.getBindGroupLayout(0),
    entries: call.buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const pass = encoder.beginComputePass({ label: call.label });
  pass.setPipeline(call.pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(call.grid[0], call.grid[1], call.grid[2]);
  pass.end();
}
