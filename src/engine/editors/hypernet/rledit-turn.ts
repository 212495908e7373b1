/**
 * One RLEdit turn on a network (docs/design.md §8; the reference's `cache` then
 * `predict_param_shifts`, or MEND's, editor/mend.py, or MALMEN's, editor/malmen.py): the captures of every sub-batch merged into their shape's normalizer,
 * sub-batches in order, modules in order (z = [K | G], biased batch variance), then per module the
 * stacked raw K and G of the turn → ΔW. The run-time editor and the meta-training share it.
 */
import { advanceCount, chanMergeBlock } from '../../linalg/chan';
import { columnMoments } from '../../linalg/moments';
import { InputError, type ModuleCapture } from '../../types';
import { predictShift, type RLEditPrediction } from './rledit-edit';
import { predictMendShift, type MendPrediction } from './mend-edit';
import { predictMalmenShift, type MalmenPrediction } from './malmen-edit';
import type { RLEditNetwork } from './rledit-network';

export interface ModuleTurn {
  module: string;
  keys: Float64Array;
  grads: Float64Array;
  rows: number;
  /** RLEdit's, MEND's or MALMEN's (net.settings.editor), with ΔW as `shift`. */
  prediction: RLEditPrediction | MendPrediction | MalmenPrediction;
}

/** Every capture names a module of the network with its shape (checked before anything changes). */
export function checkCaptures(net: RLEditNetwork, subBatches: ModuleCapture[][], turn: number): void {
  subBatches.forEach((caps, b) => {
    for (const c of caps) {
      const m = net.modules.find((x) => x.name === c.module);
      const where = `turn ${turn}, sub-batch ${b}, module ${c.module}`;
      if (!m) throw new InputError(where, `the RLEdit network was trained for ${net.modules.map((x) => x.name).join(', ')}`);
      if (m.dIn !== c.dIn || m.dOut !== c.dOut)
        throw new InputError(where, `shape [${c.dIn}, ${c.dOut}], the network's is [${m.dIn}, ${m.dOut}]`);
    }
  });
}

export function mergeCaptures(net: RLEditNetwork, subBatches: ModuleCapture[][]): void {
  for (const caps of subBatches)
    for (const c of caps) {
      const norm = net.shapes[`${c.dIn}x${c.dOut}`].norm;
      chanMergeBlock(norm, columnMoments(c.keys, c.rows, c.dIn), 0, 'biased');
      chanMergeBlock(norm, columnMoments(c.grads, c.rows, c.dOut), c.dIn, 'biased');
      advanceCount(norm, c.rows);
    }
}

/** Rows of one module stacked over the sub-batches, in order. */
function stack(subBatches: ModuleCapture[][], module: string, dIn: number, dOut: number) {
  const caps = subBatches.flatMap((sb) => sb.filter((c) => c.module === module));
  const rows = caps.reduce((s, c) => s + c.rows, 0);
  const keys = new Float64Array(rows * dIn);
  const grads = new Float64Array(rows * dOut);
  let r = 0;
  for (const c of caps) {
    keys.set(c.keys, r * dIn);
    grads.set(c.grads, r * dOut);
    r += c.rows;
  }
  return { keys, grads, rows };
}

/** ΔW of every module the captures name, in the network's module order; `products` per shape: forward only. */
export function predictTurn(net: RLEditNetwork, subBatches: ModuleCapture[][], products?: Record<string, Float64Array[]>): ModuleTurn[] {
  const named = new Set(subBatches.flat().map((c) => c.module));
  const out: ModuleTurn[] = [];
  for (const m of net.modules) {
    if (!named.has(m.name)) continue;
    const { keys, grads, rows } = stack(subBatches, m.name, m.dIn, m.dOut);
    const sn = net.shapes[m.shape];
    const ab = products?.[m.shape];
    const editor = net.settings.editor;
    const prediction =
      editor === 'mend'
        ? predictMendShift(sn.params, sn.shape, sn.norm, keys, grads, rows, m.index, ab)
        : editor === 'malmen'
          ? predictMalmenShift(sn.params, sn.shape, sn.norm, keys, grads, rows, m.index, net.settings.netBatch, undefined, ab)
          : predictShift(sn.params, sn.shape, sn.norm, keys, grads, rows, m.index, undefined, ab);
    out.push({ module: m.name, keys, grads, rows, prediction });
  }
  return out;
}
