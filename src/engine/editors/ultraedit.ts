/** UltraEdit (Gu et al.): diagonal lifelong normalization with the code's unbiased batch variance. */
import type { EditorDefinition } from './editor';
import { LifelongEditor } from './lifelong';
import { DiagonalNormalizer } from './normalizers/diagonal';

export const ultraedit: EditorDefinition = {
  name: 'ultraedit',
  summary: 'diagonal running normalization of [k|g] (UltraEdit code, unbiased batch variance), ridge solve',
  create: (options) =>
    new LifelongEditor({
      name: 'ultraedit',
      options,
      step: 'ridge',
      minBatchRows: 2,
      normalizer: (dIn, dOut) => new DiagonalNormalizer(dIn, dOut, 'unbiased-batch'),
    }),
};
