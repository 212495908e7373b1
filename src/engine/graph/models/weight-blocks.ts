/**
 * Row blocks of a table too large for one GPU buffer. A device binds at most
 * `maxStorageBufferBindingSize` bytes per buffer (1 GiB on SwiftShader; 128 MiB to 4 GiB on real
 * GPUs), and the largest tensor of a small model is its embedding (Llama-3.2-1B: 128,256 × 2,048 fp32
 * = 1,050,673,152 bytes). Such a table enters a graph as row blocks, each a graph input named
 * `name[start:end]`; the runtime feeds each block as a view of the one array it keeps, so nothing is
 * copied on the CPU and each block is its own GPU buffer.
 */
import type { HeldWeights, Tensor16, Tensor32 } from '../../model/spec';

export function blockName(name: string, start: number, end: number): string {
  return `${name}[${start}:${end}]`;
}

/** [start, end) row ranges, each at most maxBytes of fp32 (one range when the whole fits). */
export function rowBlocks(rows: number, cols: number, maxBytes: number | undefined): [number, number][] {
  const per = maxBytes === undefined ? rows : Math.max(1, Math.floor(maxBytes / (4 * cols)));
  const out: [number, number][] = [];
  for (let s = 0; s < rows; s += per) out.push([s, Math.min(rows, s + per)]);
  return out;
}

const BLOCK = /^(.*)\[(\d+):(\d+)\]$/;

/** A graph's weight input: a tensor of the runtime's weights, or a row block of one (a view, not a copy). */
export function resolveWeight(weights: HeldWeights, name: string): Tensor32 | Tensor16 {
  const direct = weights.get(name);
  if (direct) return direct;
  const m = BLOCK.exec(name);
  const whole = m && weights.get(m[1]);
  if (!m || !whole) throw new Error(`graph run: weight '${name}' is missing`);
  const [start, end] = [Number(m[2]), Number(m[3])];
  const cols = whole.shape[1];
  const shape = [end - start, cols];
  return 'shift' in whole
    ? { shape, data: whole.data.subarray(start * cols, end * cols), shift: whole.shift }
    : { shape, data: whole.data.subarray(start * cols, end * cols) };
}
