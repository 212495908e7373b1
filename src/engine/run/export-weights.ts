/**
 * The edited model as a safetensors file under the input checkpoint's own tensor names, so any
 * safetensors reader (and transformers' from_pretrained next to the original config) loads it.
 */
import type { Weights } from '../model/spec';
import { encodeSafetensors, type TensorToWrite } from '../safetensors/encode';

export function encodeWeights(weights: Weights, sourceNames: Map<string, string>, metadata: Record<string, string> = {}): Uint8Array {
  const tensors: Record<string, TensorToWrite> = {};
  for (const [name, t] of weights) tensors[sourceNames.get(name) ?? name] = { dtype: 'F32', shape: t.shape, data: t.data };
  return encodeSafetensors(tensors, { format: 'pt', ...metadata });
}
