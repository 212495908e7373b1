/** No-whitening ablation: StableEdit's exact Chan statistics with diagonal normalization only. */
import type { EditorDefinition } from './editor';
import { LifelongEditor } from './lifelong';
import { DiagonalNormalizer } from './normalizers/diagonal';

export const diagonal: EditorDefinition = {
  name: 'diagonal',
  summary: 'StableEdit without whitening: exact Chan statistics, per-dimension normalization, ridge solve',
  create: (options) =>
    new LifelongEditor({
      name: 'diagonal',
      options,
      step: 'ridge',
      normalizer: (dIn, dOut) => new DiagonalNormalizer(dIn, dOut, 'biased'),
    }),
};
