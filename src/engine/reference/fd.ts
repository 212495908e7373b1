/**
 * dL/d(module output) by central finite differences on the float64 reference: the module output is
 * shifted by ±h·e (ForwardOptions.outputShift) and the capture loss re-evaluated. This is the ground
 * truth the capture graph's value gradients are tested against (docs/design.md §1 step 3).
 */
import { editableModules } from '../model/modules';
import type { ModelSpec, Weights } from '../model/spec';
import { InputError } from '../types';
import { referenceForward, type ForwardInput } from './forward';
import { meanCrossEntropy } from './loss';

export interface LabeledInput extends ForwardInput {
  /** [B, T] flat, already shifted, −100 = ignored. */
  labels: ArrayLike<number>;
}

/** The capture loss of the reference model, optionally with module outputs shifted. */
export function referenceLoss(
  spec: ModelSpec,
  weights: Weights,
  input: LabeledInput,
  outputShift?: ReadonlyMap<string, ArrayLike<number>>,
): number {
  const { logits } = referenceForward(spec, weights, input, { outputShift });
  return meanCrossEntropy(logits, input.labels, spec.vocabSize);
}

export interface FdOptions {
  /** Step; 1e-5 balances truncation (h²) and rounding (ε/h) error in float64. */
  h?: number;
  /** Rows (b·T + t) to differentiate; default: the label positions, as the capture reports them. */
  rows?: readonly number[];
}

/** [rows.length, dOut]: ∂L/∂out[row, c] ≈ (L(out + h·e) − L(out − h·e)) / 2h. */
export function moduleOutputGradFD(
  spec: ModelSpec,
  weights: Weights,
  input: LabeledInput,
  module: string,
  opts: FdOptions = {},
): Float64Array {
  if (!editableModules(spec).some((m) => m.name === module))
    throw new InputError(`module '${module}'`, `is not an editable module of this ${spec.arch} model`);
  const h = opts.h ?? 1e-5;
  const rows = opts.rows ?? labelRows(input.labels);
  const d = spec.hidden; // every editable module writes into the residual stream
  const shift = new Float64Array(input.batch * input.seqLen * d);
  const shifts = new Map([[module, shift]]);
  const grad = new Float64Array(rows.length * d);
  rows.forEach((r, i) => {
    for (let c = 0; c < d; c++) {
      shift[r * d + c] = h;
      const up = referenceLoss(spec, weights, input, shifts);
      shift[r * d + c] = -h;
      const down = referenceLoss(spec, weights, input, shifts);
      shift[r * d + c] = 0;
      grad[i * d + c] = (up - down) / (2 * h);
    }
  });
  return grad;
}

/** Rows with a label, row-major over (batch, position): the capture's K/G row order. */
export function labelRows(labels: ArrayLike<number>): number[] {
  const rows: number[] = [];
  for (let r = 0; r < labels.length; r++) if (labels[r] !== -100) rows.push(r);
  return rows;
}
