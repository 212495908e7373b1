/**
 * Checks a turn's captures before anything is mutated, so a bad turn leaves statistics (and the
 * caller's weights) as they were. Errors name the turn, sub-batch, module and the bad entry.
 */
import type { ModuleCapture } from '../types';
import { InputError } from '../types';

export interface ModuleShape {
  dIn: number;
  dOut: number;
}

/** Returns each module's shape in first-seen order. */
export function validateTurn(
  subBatches: ModuleCapture[][],
  turn: number,
  minBatchRows: (m: ModuleShape) => number,
): Map<string, ModuleShape> {
  const shapes = new Map<string, ModuleShape>();
  if (!Array.isArray(subBatches) || subBatches.length === 0) throw new InputError(`turn ${turn}`, 'no sub-batches');
  subBatches.forEach((caps, b) => {
    const seen = new Set<string>();
    for (const c of caps) {
      const where = `turn ${turn}, sub-batch ${b}, module ${c.module}`;
      if (!c.module) throw new InputError(`turn ${turn}, sub-batch ${b}`, 'a capture has no module name');
      if (seen.has(c.module)) throw new InputError(where, 'module appears twice in one sub-batch');
      seen.add(c.module);
      for (const [k, v] of Object.entries({ rows: c.rows, dIn: c.dIn, dOut: c.dOut }))
        if (!Number.isInteger(v) || v < (k === 'rows' ? 0 : 1))
          throw new InputError(where, `${k} must be a ${k === 'rows' ? 'non-negative' : 'positive'} integer, got ${v}`);
      if (c.keys.length !== c.rows * c.dIn)
        throw new InputError(where, `keys hold ${c.keys.length} values, expected rows·dIn = ${c.rows}·${c.dIn}`);
      if (c.grads.length !== c.rows * c.dOut)
        throw new InputError(where, `grads hold ${c.grads.length} values, expected rows·dOut = ${c.rows}·${c.dOut}`);
      const known = shapes.get(c.module);
      if (known && (known.dIn !== c.dIn || known.dOut !== c.dOut))
        throw new InputError(where, `shape [${c.dIn}, ${c.dOut}] differs from [${known.dIn}, ${known.dOut}] in an earlier sub-batch`);
      if (!known) shapes.set(c.module, { dIn: c.dIn, dOut: c.dOut });
      const min = minBatchRows(c);
      if (c.rows > 0 && c.rows < min)
        throw new InputError(where, `${c.rows} row(s); this editor's running variance needs at least ${min} per sub-batch`);
      checkFinite(c.keys, c.dIn, where, 'keys');
      checkFinite(c.grads, c.dOut, where, 'grads');
    }
  });
  return shapes;
}

function checkFinite(x: ArrayLike<number>, width: number, where: string, what: string): void {
  for (let i = 0; i < x.length; i++)
    if (!Number.isFinite(x[i])) throw new InputError(where, `${what} contain ${x[i]} at row ${Math.floor(i / width)}, column ${i % width}`);
}
