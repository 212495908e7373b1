/** StableEdit: exact Chan statistics, full ZCA whitening of the value gradients, ridge solve. */
import type { EditorDefinition } from './editor';
import { LifelongEditor } from './lifelong';
import { StableEditNormalizer } from './normalizers/stableedit';

export const stableedit: EditorDefinition = {
  name: 'stableedit',
  summary: 'exact Chan statistics, ĝ whitened by Σ^{-1/2} (Σ = S/(n−dOut−1+ε)), keys diagonal, ridge solve',
  create: (options) =>
    new LifelongEditor({ name: 'stableedit', options, step: 'ridge', normalizer: (dIn, dOut) => new StableEditNormalizer(dIn, dOut) }),
};
